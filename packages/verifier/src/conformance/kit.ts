import type { ConformanceTargets } from "./targets.ts";

export interface CaseOutcome {
  accepted: boolean;
  codes: string[];
}

/**
 * One case of the kit. `classes` names what it stands for: `§6#N` for the fake-green catalogue
 * of research/evidence.md, `I14:<name>` for the classes issue 14 adds. Every case but the
 * controls must come out rejected.
 */
export interface ConformanceCase<T = ConformanceTargets> {
  id: string;
  classes: string[];
  title: string;
  expected: "accepted" | "rejected";
  run(targets: T): CaseOutcome;
}

export interface CaseResult {
  id: string;
  classes: string[];
  title: string;
  expected: "accepted" | "rejected";
  actual: "accepted" | "rejected" | "crashed";
  codes: string[];
  ok: boolean;
}

/** Runs every case; a throw is a crash (never a pass), reported with its message. */
export function runCases<T>(cases: readonly ConformanceCase<T>[], targets: T): CaseResult[] {
  return cases.map((c) => {
    let actual: CaseResult["actual"];
    let codes: string[];
    try {
      const outcome = c.run(targets);
      actual = outcome.accepted ? "accepted" : "rejected";
      codes = [...new Set(outcome.codes)].sort();
    } catch (error) {
      actual = "crashed";
      codes = [error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : "crash"];
    }
    return { id: c.id, classes: c.classes, title: c.title, expected: c.expected, actual, codes, ok: actual === c.expected };
  });
}
