import { checkAttestation } from "./attestation.ts";
import { checkEnvironment } from "./env.ts";
import { checkSandbox } from "./sandbox.ts";
import { PASS, type GuardVerdict } from "./verdict.ts";
import type { GuardContext } from "./context.ts";

/**
 * The guards in their documented order; the first refusal wins:
 * 1. P1  attestation given, digest matches, statement ATTESTED and bound to this run;
 * 2. ENV no database URL, no credential in the environment (a pure look at the input);
 * 3. L3  the sandbox holds right now: / read-only, lo only, non-root, NoNewPrivs, seccomp.
 * P1 comes first so an unattested run is always reported as unattested, wherever it runs.
 */
export const GUARD_ORDER = ["P1", "ENV", "L3"] as const;

export function runGuards(ctx: GuardContext): GuardVerdict {
  const checks: Record<(typeof GUARD_ORDER)[number], (ctx: GuardContext) => GuardVerdict> = {
    P1: checkAttestation,
    ENV: (c) => checkEnvironment(c.env),
    L3: checkSandbox,
  };
  for (const name of GUARD_ORDER) {
    const verdict = checks[name](ctx);
    if (!verdict.ok) return verdict;
  }
  return PASS;
}
