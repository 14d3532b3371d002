import { fromPromise } from "xstate";
import type { AttestOutput, BuildOutput, TestOutput, TrackInput } from "@macro/machine";

/**
 * A track whose capability is not wired yet halts the run with B-CAPABILITY naming what is
 * missing. It never passes.
 */
export function notBuiltGate(missing: string) {
  return fromPromise<AttestOutput & BuildOutput, TrackInput>(async () => ({
    capability: { missing },
    ok: false,
    reason: `capability not built: ${missing}`,
    facts: [],
    evidence: [],
    sideEffects: [],
  }));
}

export function notBuiltTests(missing: string) {
  return fromPromise<TestOutput, TrackInput>(async () => ({
    capability: { missing },
    ok: false,
    reason: `capability not built: ${missing}`,
    passed: 0,
    failed: 0,
    skipped: 0,
    notRun: 0,
    facts: [],
    evidence: [],
    sideEffects: [],
  }));
}
