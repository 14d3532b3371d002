import { fromPromise } from "xstate";
import type { AttestOutput, BindOutput, BuildOutput, PersistOutput, TestOutput, TrackInput } from "@macro/machine";
import type { TrackDeps } from "./deps.ts";
import { readSsotActor } from "./ssot.ts";
import { observeVenueActor } from "./venue.ts";

/** The real adapters, keyed by the machine's actor names. */
export function trackActors(deps: TrackDeps) {
  return {
    readSsot: readSsotActor(deps),
    observeVenue: observeVenueActor(deps),
    // The tracks after the venue load their adapters (engine, verifier, records) only when a run
    // gets that far: a run that halts at the venue never pays for them.
    attest: fromPromise<AttestOutput, TrackInput>(async (args) => (await import("./attest.ts")).runAttest(deps, args)),
    build: fromPromise<BuildOutput, TrackInput>(async (args) => (await import("./build.ts")).runBuild(deps, args)),
    test: fromPromise<TestOutput, TrackInput>(async (args) => (await import("./test.ts")).runTests(deps, args)),
    bind: fromPromise<BindOutput, TrackInput>(async (args) => (await import("./bind.ts")).runBind(deps, args)),
    persist: fromPromise<PersistOutput, TrackInput>(async (args) => (await import("./persist.ts")).runPersist(deps, args)),
  };
}
