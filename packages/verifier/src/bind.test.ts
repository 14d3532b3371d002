import { describe, expect, it } from "vitest";
import { bindingIsGreen, bindRows, orphanEvidence, type MatrixRowRef, type RowEvidence } from "./bind.ts";

const row = (id: string, tests = [`AT-${id.slice(1)}`]): MatrixRowRef => ({ id, track: "test", tests });
const statusOf = (rows: MatrixRowRef[], evidence: RowEvidence[]) => bindRows(rows, evidence).map((b) => b.status);

describe("bindRows", () => {
  it("binds a row with passing evidence for its test as BOUND_PASS", () => {
    expect(statusOf([row("#01")], [{ rowId: "#01", status: "PASS", test: "AT-01" }])).toEqual(["BOUND_PASS"]);
  });

  it("marks a row without evidence NOT_RUN, never passed", () => {
    expect(statusOf([row("#01")], [])).toEqual(["NOT_RUN"]);
  });

  it("matches row ids exactly: evidence for #250 never binds #25", () => {
    const rows = [row("#25")];
    const evidence: RowEvidence[] = [{ rowId: "#250", status: "PASS" }];
    expect(statusOf(rows, evidence)).toEqual(["NOT_RUN"]);
    expect(orphanEvidence(rows, evidence)).toEqual(evidence);
  });

  it("reads every duplicate: one FAILED among passes fails the row, whatever the order", () => {
    const pass: RowEvidence = { rowId: "#05", status: "PASS" };
    const fail: RowEvidence = { rowId: "#05", status: "FAIL" };
    expect(statusOf([row("#05")], [fail, pass, pass])).toEqual(["FAILED"]);
    expect(statusOf([row("#05")], [pass, pass, fail])).toEqual(["FAILED"]);
  });

  it("requires ALL the row's tests: a pass for one of two leaves it NOT_RUN", () => {
    expect(statusOf([row("#07", ["AT-07a", "AT-07b"])], [{ rowId: "#07", status: "PASS", test: "AT-07a" }])).toEqual(["NOT_RUN"]);
  });

  it("says BLOCKED by which blocker", () => {
    const [binding] = bindRows([row("#25")], [{ rowId: "#25", status: "BLOCKED", blockedBy: "B4′" }]);
    expect(binding?.status).toBe("BLOCKED");
    expect(binding?.blockedBy).toEqual(["B4′"]);
  });

  it("waives a row only by a waiver whose scope names that exact row", () => {
    const evidence: RowEvidence[] = [{ rowId: "#03", status: "WAIVED", waiverScope: ["#03"] }];
    expect(statusOf([row("#03")], evidence)).toEqual(["WAIVED"]);
    const foreign: RowEvidence[] = [{ rowId: "#03", status: "WAIVED", waiverScope: ["#30", "#3"] }];
    const [binding] = bindRows([row("#03")], foreign);
    expect(binding?.status).toBe("NOT_RUN");
    expect(binding?.notes[0]).toContain("does not name this row");
  });

  it("a waiver never outranks a failure", () => {
    expect(statusOf([row("#03")], [{ rowId: "#03", status: "WAIVED", waiverScope: ["#03"] }, { rowId: "#03", status: "FAIL" }])).toEqual([
      "FAILED",
    ]);
  });

  it("marks a row with only stale evidence STALE", () => {
    expect(statusOf([row("#09")], [{ rowId: "#09", status: "STALE" }])).toEqual(["STALE"]);
  });

  it("fails a row that requires no test and a row listed twice, rather than passing them vacuously", () => {
    expect(statusOf([row("#10", [])], [{ rowId: "#10", status: "PASS" }])).toEqual(["FAILED"]);
    expect(statusOf([row("#11"), row("#11")], [{ rowId: "#11", status: "PASS" }])).toEqual(["FAILED", "FAILED"]);
  });
});

describe("bindingIsGreen", () => {
  it("is green only when every row is BOUND_PASS or WAIVED, and never for no rows", () => {
    const rows = [row("#01"), row("#02")];
    expect(bindingIsGreen(bindRows(rows, [{ rowId: "#01", status: "PASS" }, { rowId: "#02", status: "WAIVED", waiverScope: ["#02"] }]))).toBe(true);
    expect(bindingIsGreen(bindRows(rows, [{ rowId: "#01", status: "PASS" }]))).toBe(false);
    expect(bindingIsGreen([])).toBe(false);
  });
});
