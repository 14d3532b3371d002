import type { MatrixRowRef, RowEvidence } from "../bind.ts";
import { sha256Hex } from "../hash.ts";
import { TEST_RESULT_PREDICATE } from "../test-rows.ts";
import type { ConformanceCase } from "./kit.ts";

const ROWS: MatrixRowRef[] = [
  { id: "#01", track: "test", tests: ["AT-01"] },
  { id: "#25", track: "test", tests: ["AT-25a", "AT-25b"] },
];
const ARTIFACT = "f".repeat(64);

/** A test-result line as the run writes it, about `subject`. */
function line(passed: string[], failed: string[] = [], subject = ARTIFACT): string {
  const result = failed.length > 0 ? "FAILED" : "PASSED";
  return JSON.stringify({
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: "mvp/tki-inspector.js", digest: { sha256: subject } }],
    predicateType: TEST_RESULT_PREDICATE,
    predicate: { result, configuration: [{ name: "suite" }], passedTests: passed, warnedTests: [], failedTests: failed },
  });
}

const ALL_PASS = [line(["[#01] AT-01 works", "[#25] AT-25a works", "[#25] AT-25b works"])];
const jsonl = (lines: string[]): Buffer => Buffer.from(lines.map((l) => `${l}\n`).join(""));

/**
 * The binder's fake-green classes: every one must leave the run not green. The binder is the
 * test-result reader plus bindRows plus the green rule, run together as the bind track runs them.
 */
export function binderCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const green = (id: string, classes: string[], title: string, rows: MatrixRowRef[], lines: string[] | null, extra: RowEvidence[] = [], expected: "accepted" | "rejected" = "rejected"): void => {
    cases.push({
      id,
      classes,
      title,
      expected,
      run: (t) => {
        const evidence = [...(lines === null ? [] : t.testResultRowEvidence(rows, jsonl(lines), ARTIFACT)), ...extra];
        const bound = t.bindRows(rows, evidence);
        return { accepted: t.bindingIsGreen(bound), codes: bound.filter((b) => b.status !== "BOUND_PASS").map((b) => `${b.id}:${b.status}`) };
      },
    });
  };
  green("binder-control", ["control"], "control: every row's every test passes on the built artifact", ROWS, ALL_PASS, [], "accepted");
  green("binder-skipped", ["§6#1"], "a row whose test was skipped: no evidence is not a pass", ROWS, [line(["[#01] AT-01 works"])]);
  green("binder-blocked-downstream", ["§6#2"], "rows blocked by an upstream blocker are BLOCKED, never omitted", ROWS, ALL_PASS.slice(0, 0), [{ rowId: "#01", status: "BLOCKED", blockedBy: "B4′" }, { rowId: "#25", status: "BLOCKED", blockedBy: "B4′" }]);
  green("binder-empty-matrix", ["§6#3"], "a matrix with no rows", [], ALL_PASS);
  green("binder-no-requirement", ["§6#4"], "a row that requires no test", [...ROWS, { id: "#02", track: "test", tests: [] }], ALL_PASS);
  green("binder-one-fail-among-passes", ["§6#5"], "two results for one row, one FAILED", ROWS, [...ALL_PASS, line([], ["[#01] AT-01 works"])]);
  green("binder-prefix-row", ["§6#6"], "evidence tagged #250 for row #25", ROWS, [line(["[#01] AT-01 works", "[#250] AT-25a works", "[#250] AT-25b works"])]);
  green("binder-other-artifact", ["§6#8"], "passing results about another artifact than the one built", ROWS, [line(["[#01] AT-01 works", "[#25] AT-25a works", "[#25] AT-25b works"], [], "0".repeat(64))]);
  green("binder-stale", ["§6#14"], "only stale evidence (soft-fail is not a pass)", ROWS, null, [{ rowId: "#01", status: "STALE" }, { rowId: "#25", status: "STALE" }]);
  green("binder-default-allow", ["§6#15", "§6#17"], "evidence for a test the row does not require", ROWS, [line(["[#01] AT-01 works", "[#25] AT-25a works", "[#25] AT-99 works"])]);
  green("binder-any-vs-all", ["§6#21"], "one of a row's two tests passes", ROWS, [line(["[#01] AT-01 works", "[#25] AT-25a works"])]);
  green("binder-foreign-waiver", ["§6#14"], "a waiver scoped to another row", ROWS, [line(["[#01] AT-01 works"])], [{ rowId: "#25", status: "WAIVED", waiverScope: ["#01"] }]);
  green("binder-malformed-line", ["I14:ambiguous-bytes"], "a test-result line with a duplicate key", ROWS, [...ALL_PASS, line(["[#01] AT-01 works"]).replace('"result":"PASSED"', '"result":"FAILED","result":"PASSED"')]);

  const pinned = ALL_PASS.map((l) => sha256Hex(l));
  const lines = (id: string, classes: string[], title: string, actual: string[], pins: string[] = pinned): void => {
    cases.push({
      id,
      classes,
      title,
      expected: "rejected",
      run: (t) => {
        const checked = t.checkEvidenceLines(jsonl(actual), pins);
        return { accepted: checked.ok, codes: checked.reasons.map((r) => r.code) };
      },
    });
  };
  const second = line(["[#01] AT-01 works"]);
  const two = [ALL_PASS[0] ?? "", second];
  lines("lines-duplicated", ["§6#7", "§6#19"], "an evidence line replayed twice", [...ALL_PASS, ...ALL_PASS]);
  lines("lines-injected", ["§6#19"], "an evidence line the run record does not pin", [...ALL_PASS, second]);
  lines("lines-dropped", ["§6#19"], "a pinned evidence line deleted", [ALL_PASS[0] ?? ""], two.map((l) => sha256Hex(l)));
  lines("lines-reordered", ["§6#19"], "pinned lines in another order", [...two].reverse(), two.map((l) => sha256Hex(l)));
  lines("lines-edited", ["I14:one-byte"], "one byte of an evidence line edited", [(ALL_PASS[0] ?? "").replace("AT-01", "AT-0I")]);
  return cases;
}
