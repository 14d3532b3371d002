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
  run(env: ProbeEnv): Promise<ProbeOutcome>;
}

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
