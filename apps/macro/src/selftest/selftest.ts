import { verifyLedgerBytes } from "@macro/report";
import type { Ssot } from "@macro/ssot";
import { runCases, verifierCases, VERIFIER_TARGETS, type CaseResult, type ConformanceTargets } from "@macro/verifier";
import { ledgerCases, type LedgerTargets } from "./ledger-cases.ts";

export type SelftestTargets = ConformanceTargets & LedgerTargets;

export const REAL_TARGETS: SelftestTargets = { ...VERIFIER_TARGETS, verifyLedgerBytes };

export interface Selftest {
  results: CaseResult[];
  /** Cases that must be rejected and were not (accepted or crashed), plus controls that failed. */
  failures: CaseResult[];
  ms: number;
}

/**
 * The conformance kit against the real verifier, binder and ledger check (or injected ones):
 * every case built in memory from the SSOT in use, so it checks what this run will check.
 */
export function runSelftest(ssot: Ssot, targets: SelftestTargets = REAL_TARGETS): Selftest {
  const start = performance.now();
  const results = [...runCases(verifierCases(ssot), targets), ...runCases(ledgerCases(), targets)];
  return { results, failures: results.filter((r) => !r.ok), ms: performance.now() - start };
}

/** The table `macro selftest` prints: case, classes, expected, actual, codes. */
export function selftestTable(results: readonly CaseResult[]): string {
  const head = ["case", "classes", "expected", "actual", "reason codes"];
  const rows = results.map((r) => [r.id, r.classes.join(" "), r.expected, r.ok ? r.actual : `${r.actual.toUpperCase()} ✖`, r.codes.join(", ")]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const fmt = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(width[i] ?? 0))).join("  ").trimEnd();
  return [fmt(head), fmt(width.map((w) => "-".repeat(Math.min(w, 40)))), ...rows.map(fmt)].join("\n");
}
