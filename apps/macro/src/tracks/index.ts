import { fromPromise } from "xstate";
import type { AttestOutput, BuildOutput, TestOutput, TrackInput } from "@macro/machine";
import type { TrackDeps } from "./deps.ts";
import { persistActor } from "./persist.ts";
import { readSsotActor } from "./ssot.ts";
import { observeVenueActor } from "./venue.ts";
import { bindActor } from "./bind.ts";

/** The real adapters, keyed by the machine's actor names. */
export function trackActors(deps: TrackDeps) {
  return {
    readSsot: readSsotActor(deps),
    observeVenue: observeVenueActor(deps),
    // The container tracks load the engine adapters only when a run gets that far: a run that
    // halts at the venue never pays for them.
    attest: fromPromise<AttestOutput, TrackInput>(async (args) => (await import("./attest.ts")).runAttest(deps, args)),
    build: fromPromise<BuildOutput, TrackInput>(async (args) => (await import("./build.ts")).runBuild(deps, args)),
    test: fromPromise<TestOutput, TrackInput>(async (args) => (await import("./test.ts")).runTests(deps, args)),
    bind: bindActor(deps),
    persist: persistActor(deps),
  };
}
