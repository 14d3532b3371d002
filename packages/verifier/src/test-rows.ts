import * as z from "zod";
import { rowTags } from "@macro/ssot";
import type { MatrixRowRef, RowEvidence } from "./bind.ts";
import { EVIDENCE_LIMITS, parseEvidenceJson } from "./evidence-json.ts";
import { evidenceLines } from "./evidence-lines.ts";

export const TEST_RESULT_PREDICATE = "https://in-toto.io/attestation/test-result/v0.1";

const TestResultLine = z.object({
  _type: z.literal("https://in-toto.io/Statement/v1"),
  subject: z.array(z.strictObject({ name: z.string(), digest: z.strictObject({ sha256: z.string() }) })).length(1),
  predicateType: z.literal(TEST_RESULT_PREDICATE),
  predicate: z.object({
    result: z.enum(["PASSED", "WARNED", "FAILED"]),
    passedTests: z.array(z.string()),
    warnedTests: z.array(z.string()),
    failedTests: z.array(z.string()),
  }),
});

/**
 * Row evidence from a run's test-result lines (in-toto test-result v0.1, one a line). A line
 * counts only when it is strict JSON of the right shape about exactly one subject, the artifact
 * this run built (zero-overlap evidence binds nothing). A line that cannot be read at all fails
 * every test row: the run wrote evidence it cannot stand behind.
 */
export function testResultRowEvidence(rows: readonly MatrixRowRef[], jsonl: Uint8Array, artifactSha256: string): RowEvidence[] {
  if (jsonl.byteLength > EVIDENCE_LIMITS.linesBytes) return rows.filter((r) => r.track === "test").map((r) => ({ rowId: r.id, status: "FAIL" }));
  const out: RowEvidence[] = [];
  for (const line of evidenceLines(jsonl)) {
    const json = parseEvidenceJson(line.bytes, `line ${line.line}`);
    const statement = json.ok ? TestResultLine.safeParse(json.value) : null;
    if (statement === null || !statement.success) {
      out.push(...rows.filter((r) => r.track === "test").map((r): RowEvidence => ({ rowId: r.id, status: "FAIL" })));
      continue;
    }
    if (statement.data.subject[0]?.digest.sha256 !== artifactSha256) continue;
    // Skipped (warned) tests prove nothing either way: their rows stay NOT_RUN unless a pass binds them.
    const { passedTests, failedTests } = statement.data.predicate;
    for (const name of passedTests) out.push(...testEvidence(rows, name, "PASS"));
    for (const name of failedTests) out.push(...testEvidence(rows, name, "FAIL"));
  }
  return out;
}

/**
 * A test result speaks for a row only through the row's tag in its name (exact id: #25 never
 * binds #250) and for the matrix test entries its name contains; a failure speaks against the
 * tagged row even when it matches no entry.
 */
function testEvidence(rows: readonly MatrixRowRef[], name: string, status: "PASS" | "FAIL"): RowEvidence[] {
  return rowTags(name).flatMap((tag): RowEvidence[] => {
    const row = rows.find((r) => r.id === tag);
    if (row === undefined) return [];
    const entries = row.tests.filter((entry) => name.includes(entry));
    if (entries.length === 0) return status === "FAIL" ? [{ rowId: tag, status }] : [];
    return entries.map((test) => ({ rowId: tag, test, status }));
  });
}
