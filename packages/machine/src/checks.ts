import { TRACK_IDS, type TrackId } from "@macro/ssot";
import type { Capability, RowStatus, TrackOutputMap } from "./types.ts";

/**
 * The named checks of each track, in evaluation order. The SSOT's blocker catalog
 * refers to these names in its `guards`, so renaming one is a breaking change.
 */
export const CHECKS = {
  ssot: ["ssotUnchanged"],
  venue: ["venueNotRejected", "venueApproved", "hasExecutionSurface"],
  attest: ["attestCapabilityBuilt", "attestationVerified"],
  build: ["buildCapabilityBuilt", "buildSucceeded"],
  test: ["testCapabilityBuilt", "testsPassed"],
  bind: ["matrixPresent", "allRowsBound"],
  persist: ["persisted"],
} as const satisfies Record<TrackId, readonly string[]>;

export type CheckName = (typeof CHECKS)[TrackId][number];
export type CheckOf<T extends TrackId> = (typeof CHECKS)[T][number];

export const CHECK_NAMES: readonly CheckName[] = Object.values(CHECKS).flat();

/** The class a blocker gets for what was observed, on top of its catalog classes. */
export const OBSERVED_CLASS: Record<CheckName, string> = {
  ssotUnchanged: "SSOT_DRIFT",
  venueNotRejected: "VENUE_REJECTED",
  venueApproved: "VENUE_NOT_APPROVED",
  hasExecutionSurface: "NO_EXECUTION_SURFACE",
  attestCapabilityBuilt: "CAPABILITY_NOT_BUILT",
  attestationVerified: "ATTESTATION_NOT_VERIFIED",
  buildCapabilityBuilt: "CAPABILITY_NOT_BUILT",
  buildSucceeded: "BUILD_FAILED",
  testCapabilityBuilt: "CAPABILITY_NOT_BUILT",
  testsPassed: "TESTS_NOT_PASSED",
  matrixPresent: "MATRIX_MISSING",
  allRowsBound: "EVIDENCE_UNBOUND",
  persisted: "PERSIST_FAILED",
};

/** What a check needs besides the output: only what the run was started with. */
export type CheckEnv = { ssotSha256: string };

/** `null` passes; a string is the specific reason the check failed. */
type CheckFn<T extends TrackId> = (output: TrackOutputMap[T], env: CheckEnv) => string | null;
type CheckTable = { [T in TrackId]: { [C in CheckOf<T>]: CheckFn<T> } };

const capabilityBuilt =
  (what: string) =>
  (o: { capability: Capability }): string | null =>
    o.capability === "built" ? null : `The ${what} capability is not built yet: ${o.capability.missing}.`;

const gateOk =
  (what: string) =>
  (o: { ok: boolean; reason: string }): string | null =>
    o.ok ? null : `${what}: ${o.reason || "no reason given"}.`;

const BOUND: ReadonlySet<RowStatus> = new Set(["BOUND_PASS", "WAIVED"]);

function unboundReason(rows: TrackOutputMap["bind"]["rows"]): string | null {
  if (rows.length === 0) return "The acceptance matrix has no rows: an empty matrix binds nothing.";
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const r of rows) (seen.has(r.id) ? duplicates : seen).add(r.id);
  // A duplicated row id would let a later BOUND_PASS hide an earlier failure.
  if (duplicates.size > 0) return `Matrix rows appear more than once: ${[...duplicates].join(", ")}.`;
  const unbound = rows.filter((r) => !BOUND.has(r.status));
  if (unbound.length === 0) return null;
  const shown = unbound.slice(0, 10).map((r) => `${r.id} ${r.status}`);
  const more = unbound.length > shown.length ? ` and ${unbound.length - shown.length} more` : "";
  return `${unbound.length} of ${rows.length} matrix rows are not bound to passing evidence: ${shown.join(", ")}${more}.`;
}

const TABLE: CheckTable = {
  ssot: {
    ssotUnchanged: (o, env) =>
      o.ssotSha256Now === env.ssotSha256
        ? null
        : `The SSOT changed during the run: sha256 ${env.ssotSha256} at load, ${o.ssotSha256Now} now.`,
  },
  venue: {
    venueNotRejected: (o) =>
      o.verdict.class === "rejected"
        ? `Venue ${o.verdict.venueId ?? "(unnamed)"} is rejected: ${o.verdict.reason}`
        : null,
    venueApproved: (o) =>
      o.verdict.class === "approved" ? null : `This venue is not an approved venue: ${o.verdict.reason}`,
    hasExecutionSurface: (o) =>
      o.verdict.executionSurface || o.operatorBundle !== null
        ? null
        : `Venue ${o.verdict.venueId ?? "(unnamed)"} has no container engine able to create containers, and no verified operator bundle is in reports/: ${o.verdict.reason}`,
  },
  attest: {
    attestCapabilityBuilt: capabilityBuilt("B4′ attestation"),
    attestationVerified: gateOk("The sandbox attestation is not verified"),
  },
  build: {
    buildCapabilityBuilt: capabilityBuilt("build"),
    buildSucceeded: gateOk("The MVP build failed"),
  },
  test: {
    testCapabilityBuilt: capabilityBuilt("test"),
    testsPassed: (o) => {
      const counts = `${o.passed} passed, ${o.failed} failed, ${o.skipped} skipped, ${o.notRun} not run`;
      if (o.passed === 0) return `No test passed (${counts}): a suite that ran nothing proves nothing${o.reason === "" ? "" : ` — ${o.reason}`}.`;
      if (o.failed + o.skipped + o.notRun > 0) return `Tests did not all pass (${counts}): ${o.reason || "no reason given"}.`;
      if (!o.ok) return `The test run reported failure (${counts}): ${o.reason || "no reason given"}.`;
      return null;
    },
  },
  bind: {
    matrixPresent: (o) => (o.matrixPresent ? null : "The acceptance matrix was not found."),
    allRowsBound: (o) => unboundReason(o.rows),
  },
  persist: {
    persisted: gateOk("The run record was not persisted"),
  },
};

/** Runs one check on an already validated output. */
export function runCheck<T extends TrackId>(track: T, check: CheckOf<T>, output: TrackOutputMap[T], env: CheckEnv): string | null {
  const fns: { [C in CheckOf<T>]: CheckFn<T> } = TABLE[track];
  return fns[check](output, env);
}

/** The first failing check of a track, in order, or null when all pass. */
export function firstFailure<T extends TrackId>(
  track: T,
  output: TrackOutputMap[T],
  env: CheckEnv,
): { check: CheckOf<T>; reason: string } | null {
  const checks: readonly CheckOf<T>[] = CHECKS[track];
  for (const check of checks) {
    const reason = runCheck(track, check, output, env);
    if (reason != null) return { check, reason };
  }
  return null;
}

export function trackOfCheck(check: CheckName): TrackId {
  for (const track of TRACK_IDS) {
    const checks: readonly string[] = CHECKS[track];
    if (checks.includes(check)) return track;
  }
  throw new Error(`unreachable: ${check} is in CHECKS`);
}
