import type { TrackFns } from "@macro/machine";
import type { TrackDeps } from "./deps.ts";
import { readSsot } from "./ssot.ts";
import { observeVenueFn } from "./venue.ts";

/** The real adapters, one function per track (the machine makes them actors). */
export function trackFns(deps: TrackDeps): TrackFns {
  return {
    ssot: readSsot(deps),
    venue: observeVenueFn(deps),
    // The tracks after the venue load their adapters (engine, verifier, records) only when a run
    // gets that far: a run that halts at the venue never pays for them.
    attest: async (args) => (await import("./attest.ts")).runAttest(deps, args),
    build: async (args) => (await import("./build.ts")).runBuild(deps, args),
    test: async (args) => (await import("./test.ts")).runTests(deps, args),
    bind: async (args) => (await import("./bind.ts")).runBind(deps, args),
    persist: async (args) => (await import("./persist.ts")).runPersist(deps, args),
  };
}
