import type { Reason } from "@macro/verifier";

/** One check of a verification, named so the output says what was looked at, not only what failed. */
export interface Check {
  name: string;
  ok: boolean;
  reasons: Reason[];
}

export interface Verification {
  kind: "attestation-bundle" | "run-record" | "ledger";
  file: string;
  checks: Check[];
  /** What this verification cannot see, said out loud (e.g. no key: a dropped last line). */
  limits: string[];
}

export const passed = (v: Verification): boolean => v.checks.length > 0 && v.checks.every((c) => c.ok);

export function check(name: string, reasons: Reason[]): Check {
  return { name, ok: reasons.length === 0, reasons };
}
