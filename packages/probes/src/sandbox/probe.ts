import type { JsonValue, ProbeStatus } from "@macro/ssot";
import type { ProbeEnv } from "./env.ts";

/** What one probe observed; the runner adds id, title, expected and the recomputed verdict. */
export interface ProbeOutcome {
  status: ProbeStatus;
  actual: Record<string, JsonValue>;
  /** Sanitised: paths, counts, errno names. Never a secret value or file contents beyond a parsed field. */
  evidence: string[];
}

export interface ProbeDefinition {
  id: string;
  title: string;
  /**
   * `expected` is the SSOT's expectation for this probe. A probe may read parameters from it
   * (the seccomp allowlist it sweeps against, the engine files a mount set may hold) but never
   * judges: the runner and the verifier recompute every verdict from expected and actual.
   */
  run(env: ProbeEnv, expected: Record<string, JsonValue>): Promise<ProbeOutcome>;
}

/** The array a parameter names, plain or as `{ "$set": [...] }`; null when it is neither. */
export function listParam(expected: Record<string, JsonValue>, key: string): JsonValue[] | null {
  const value = expected[key];
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === "object" && !Array.isArray(value) && Array.isArray(value.$set)) return value.$set;
  return null;
}

export const stringList = (values: JsonValue[] | null): string[] | null =>
  values !== null && values.every((v): v is string => typeof v === "string") ? values : null;

/** Sorted copy, for actual values compared as sets: a stable order makes reports diffable. */
export const sorted = <T extends string | number>(values: Iterable<T>): T[] =>
  [...values].sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));

export const measured = (actual: Record<string, JsonValue>, evidence: string[]): ProbeOutcome => ({
  status: "measured",
  actual,
  evidence,
});

export const inconclusive = (actual: Record<string, JsonValue>, evidence: string[]): ProbeOutcome => ({
  status: "inconclusive",
  actual,
  evidence,
});
