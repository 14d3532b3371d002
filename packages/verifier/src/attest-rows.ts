import type { RowEvidence, MatrixRowRef } from "./bind.ts";
import type { BundleVerdict } from "./bundle.ts";

/**
 * Row evidence for the sandbox rows (track "attest") from one verified bundle. A row's tests are
 * probe ids, matched exactly. Only an accepted bundle yields PASS; one whose only defect is age
 * yields STALE; any other rejection blocks the rows, naming the blocker, so nothing from a bundle
 * that failed verification is ever read as a pass.
 */
export function attestationRowEvidence(
  rows: readonly MatrixRowRef[],
  verdict: BundleVerdict,
  blockerId: string,
): RowEvidence[] {
  const sandboxRows = rows.filter((row) => row.track === "attest");
  if (!verdict.accepted || verdict.statement === null) {
    const onlyStale = verdict.reasons.length > 0 && verdict.reasons.every((r) => r.code === "STALE");
    return sandboxRows.map((row) =>
      onlyStale ? { rowId: row.id, status: "STALE" } : { rowId: row.id, status: "BLOCKED", blockedBy: blockerId },
    );
  }
  const passed = new Set(verdict.statement.predicate.probes.filter((p) => p.verdict === "PASS").map((p) => p.id));
  return sandboxRows.flatMap((row) =>
    row.tests.filter((test) => passed.has(test)).map((test): RowEvidence => ({ rowId: row.id, test, status: "PASS" })),
  );
}
