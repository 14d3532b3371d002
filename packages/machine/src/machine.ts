import { InternalError, type TrackId } from "@macro/ssot";
import { and, assign, fromPromise, not, setup } from "xstate";
import { makeBlocker, catalogEntryFor } from "./catalog.ts";
import { CHECKS, runCheck, type CheckName, type CheckOf } from "./checks.ts";
import { EngineFault, StorageFault } from "./fault.ts";
import {
  describeError,
  errorOf,
  initialTracks,
  outputOf,
  parseOutput,
  settleTrack,
  startTrack,
  withOutput,
} from "./record.ts";
import {
  MacroInput,
  type AttestOutput,
  type BindOutput,
  type BuildOutput,
  type MacroContext,
  type MacroOutput,
  type PersistOutput,
  type RunStatus,
  type SsotOutput,
  type TestOutput,
  type TrackInput,
  type VenueOutput,
} from "./types.ts";

/** The actor (setup key) each track invokes. Persisted snapshots store these keys. */
export const TRACK_ACTORS = {
  ssot: "readSsot",
  venue: "observeVenue",
  attest: "attest",
  build: "build",
  test: "test",
  bind: "bind",
  persist: "persist",
} as const satisfies Record<TrackId, string>;

/** Defaults never pass: an app that forgot to provide an actor gets `aborted`, not green. */
function notProvided<T>(name: string) {
  return fromPromise<T, TrackInput>(async () => {
    throw new InternalError("ACTOR_NOT_PROVIDED", `actor ${name} not provided`);
  });
}

/** Guards see the raw done event, so each validates the output itself: a malformed output fails closed. */
function checkGuard<T extends TrackId>(track: T, check: CheckOf<T>) {
  return ({ context, event }: { context: MacroContext; event: { type: string } }): boolean => {
    const parsed = parseOutput(track, outputOf(event));
    return parsed.success && runCheck(track, check, parsed.data, context) == null;
  };
}

/** What a track's actor receives: the run so far, derived from the context only. */
export function trackInput(context: MacroContext, track: TrackId): TrackInput {
  return {
    runId: context.runId,
    ssotSha256: context.ssotSha256,
    track,
    tracks: context.tracks,
    outputs: context.outputs,
    evidence: context.evidence,
    facts: context.facts,
    sideEffects: context.sideEffects,
  };
}

type TrackParams = { track: TrackId };
type CheckParams = { track: TrackId; check: CheckName };

const now = () => new Date();

export const macroMachine = setup({
  types: {
    input: {} as MacroInput,
    context: {} as MacroContext,
    output: {} as MacroOutput,
  },
  actors: {
    readSsot: notProvided<SsotOutput>("readSsot"),
    observeVenue: notProvided<VenueOutput>("observeVenue"),
    attest: notProvided<AttestOutput>("attest"),
    build: notProvided<BuildOutput>("build"),
    test: notProvided<TestOutput>("test"),
    bind: notProvided<BindOutput>("bind"),
    persist: notProvided<PersistOutput>("persist"),
  },
  guards: {
    outputValid: ({ event }, params: TrackParams) => parseOutput(params.track, outputOf(event)).success,
    /** Exactly one catalog entry names the check; anything else is a defect in the SSOT. */
    catalogued: ({ context }, params: { check: CheckName }) => catalogEntryFor(context.catalog, params.check) != null,
    ssotUnchanged: checkGuard("ssot", "ssotUnchanged"),
    venueNotRejected: checkGuard("venue", "venueNotRejected"),
    venueApproved: checkGuard("venue", "venueApproved"),
    hasExecutionSurface: checkGuard("venue", "hasExecutionSurface"),
    attestCapabilityBuilt: checkGuard("attest", "attestCapabilityBuilt"),
    attestationVerified: checkGuard("attest", "attestationVerified"),
    buildCapabilityBuilt: checkGuard("build", "buildCapabilityBuilt"),
    buildSucceeded: checkGuard("build", "buildSucceeded"),
    testCapabilityBuilt: checkGuard("test", "testCapabilityBuilt"),
    testsPassed: checkGuard("test", "testsPassed"),
    matrixPresent: checkGuard("bind", "matrixPresent"),
    allRowsBound: checkGuard("bind", "allRowsBound"),
    persisted: checkGuard("persist", "persisted"),
    /** The store refused a write and the catalog can name that (B-PERSIST): a halt, not a defect. */
    storageFault: ({ context, event }) => errorOf(event) instanceof StorageFault && catalogEntryFor(context.catalog, "persisted") != null,
    /** The engine vanished mid-step: the venue lost its execution surface (B4′), a halt, not a defect. */
    engineFault: ({ context, event }) => errorOf(event) instanceof EngineFault && catalogEntryFor(context.catalog, "hasExecutionSurface") != null,
  },
  actions: {
    startTrack: assign(({ context }, params: TrackParams) => ({ tracks: startTrack(context.tracks, params.track, now()) })),
    passTrack: assign(({ context, event }, params: TrackParams) => {
      const parsed = parseOutput(params.track, outputOf(event));
      if (!parsed.success) throw new InternalError("OUTPUT_UNCHECKED", `${params.track} passed without a valid output`);
      return {
        ...withOutput(context, params.track, parsed.data),
        tracks: settleTrack(context.tracks, params.track, "passed", now(), parsed.data.evidence.map((e) => e.id)),
      };
    }),
    blockTrack: assign(({ context, event }, params: CheckParams) => {
      const parsed = parseOutput(params.track, outputOf(event));
      if (!parsed.success) throw new InternalError("OUTPUT_UNCHECKED", `${params.track} blocked without a valid output`);
      const output = parsed.data;
      const reason = runCheck(params.track, params.check, output, context);
      const blocker = makeBlocker(context.catalog, {
        track: params.track,
        check: params.check,
        reason: reason ?? `${params.check} failed`,
        facts: output.facts,
        capability: "capability" in output ? output.capability : null,
      });
      if (blocker == null) throw new InternalError("BLOCKER_UNCATALOGUED", `no single catalog entry for ${params.check}`);
      return {
        ...withOutput(context, params.track, output),
        blocker,
        tracks: settleTrack(context.tracks, params.track, "blocked", now(), output.evidence.map((e) => e.id)),
      };
    }),
    abortInvalidOutput: assign(({ context, event }, params: TrackParams) => {
      const parsed = parseOutput(params.track, outputOf(event));
      const detail = parsed.success ? "" : `: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"} ${i.message}`).join("; ")}`;
      return {
        error: `actor ${params.track} returned an output that breaks the ${params.track} contract${detail}`,
        tracks: settleTrack(context.tracks, params.track, "failed", now(), []),
      };
    }),
    abortUncatalogued: assign(({ context, event }, params: CheckParams) => {
      const parsed = parseOutput(params.track, outputOf(event));
      return {
        ...(parsed.success ? withOutput(context, params.track, parsed.data) : {}),
        error: `check ${params.check} failed but the blocker catalog has no single entry naming it, so no packet can be written`,
        tracks: settleTrack(context.tracks, params.track, "failed", now(), []),
      };
    }),
    blockStorage: assign(({ context, event }, params: TrackParams) => {
      const fault = errorOf(event);
      if (!(fault instanceof StorageFault)) throw new InternalError("FAULT_UNCHECKED", `${params.track} blocked on storage without a storage fault`);
      const at = now();
      const facts = [
        { id: "persist.errno", value: fault.errno, source: `the store's answer during ${params.track}`, observedAt: at.toISOString() },
        { id: "persist.path", value: fault.path, source: `the store's answer during ${params.track}`, observedAt: at.toISOString() },
      ];
      const blocker = makeBlocker(context.catalog, { track: params.track, check: "persisted", reason: `${params.track}: ${fault.message}`, facts, capability: null });
      if (blocker == null) throw new InternalError("BLOCKER_UNCATALOGUED", "no single catalog entry for persisted");
      return { blocker, facts: [...context.facts, ...facts], tracks: settleTrack(context.tracks, params.track, "blocked", at, []) };
    }),
    blockEngine: assign(({ context, event }, params: TrackParams) => {
      const fault = errorOf(event);
      if (!(fault instanceof EngineFault)) throw new InternalError("FAULT_UNCHECKED", `${params.track} blocked on the engine without an engine fault`);
      const at = now();
      const facts = [
        { id: "engine.errno", value: fault.errno, source: `the engine connection during ${params.track}`, observedAt: at.toISOString() },
        { id: "engine.address", value: fault.address, source: `the engine connection during ${params.track}`, observedAt: at.toISOString() },
      ];
      const blocker = makeBlocker(context.catalog, { track: params.track, check: "hasExecutionSurface", reason: `${params.track}: ${fault.message}`, facts, capability: null });
      if (blocker == null) throw new InternalError("BLOCKER_UNCATALOGUED", "no single catalog entry for hasExecutionSurface");
      return { blocker, facts: [...context.facts, ...facts], tracks: settleTrack(context.tracks, params.track, "blocked", at, []) };
    }),
    abortError: assign(({ context, event }, params: TrackParams) => ({
      error: `actor ${params.track} failed: ${describeError(errorOf(event))}`,
      tracks: settleTrack(context.tracks, params.track, "failed", now(), []),
    })),
    finish: assign((_, params: { status: Exclude<RunStatus, "running"> }) => ({ status: params.status })),
  },
}).createMachine({
  id: "macro",
  initial: "ssot",
  context: ({ input }) => {
    const { runId, ssotSha256, catalog } = MacroInput.parse(input);
    return {
      runId,
      ssotSha256,
      catalog,
      status: "running",
      tracks: initialTracks(),
      evidence: [],
      facts: [],
      sideEffects: [],
      blocker: null,
      error: null,
      outputs: {},
    };
  },
  states: {
    ssot: track("ssot", "venue"),
    venue: track("venue", "attest"),
    attest: track("attest", "build"),
    build: track("build", "test"),
    test: track("test", "bind"),
    bind: track("bind", "persist"),
    persist: track("persist", "closed"),
    blocked: { type: "final", entry: { type: "finish", params: { status: "blocked" } } },
    closed: { type: "final", entry: { type: "finish", params: { status: "closed" } } },
    aborted: { type: "final", entry: { type: "finish", params: { status: "aborted" } } },
  },
  output: ({ context }) => ({
    status: context.status === "running" ? "aborted" : context.status,
    blocker: context.blocker,
    tracks: context.tracks,
    evidence: context.evidence,
    facts: context.facts,
    sideEffects: context.sideEffects,
    error: context.status === "running" ? "the machine finished without a final status" : context.error,
    outputs: context.outputs,
  }),
});

/**
 * One track: invoke its actor, then on done, in order: an output that breaks the contract
 * aborts; for each check, a failure the catalog cannot name aborts and any other failure
 * blocks; only when every check passes does the run move on.
 */
function track<T extends TrackId>(id: T, next: string) {
  const checks: readonly CheckName[] = CHECKS[id];
  return {
    entry: { type: "startTrack", params: { track: id } },
    invoke: {
      id,
      src: TRACK_ACTORS[id],
      input: ({ context }: { context: MacroContext }): TrackInput => trackInput(context, id),
      onDone: [
        { guard: not({ type: "outputValid", params: { track: id } }), target: "aborted", actions: { type: "abortInvalidOutput", params: { track: id } } },
        ...checks.flatMap((check) => [
          {
            guard: and([not(check), not({ type: "catalogued", params: { check } })]),
            target: "aborted",
            actions: { type: "abortUncatalogued", params: { track: id, check } },
          } as const,
          { guard: not(check), target: "blocked", actions: { type: "blockTrack", params: { track: id, check } } } as const,
        ]),
        { target: next, actions: { type: "passTrack", params: { track: id } } },
      ],
      onError: [
        { guard: "storageFault", target: "blocked", actions: { type: "blockStorage", params: { track: id } } },
        { guard: "engineFault", target: "blocked", actions: { type: "blockEngine", params: { track: id } } },
        { target: "aborted", actions: { type: "abortError", params: { track: id } } },
      ],
    },
  } as const;
}
