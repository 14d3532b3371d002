import type { TrackDeps } from "./deps.ts";
import { notBuiltGate, notBuiltTests } from "./not-built.ts";
import { persistActor } from "./persist.ts";
import { readSsotActor } from "./ssot.ts";
import { observeVenueActor } from "./venue.ts";
import { attestActor } from "./attest.ts";
import { bindActor } from "./bind.ts";

/** The real adapters, keyed by the machine's actor names. */
export function trackActors(deps: TrackDeps) {
  return {
    readSsot: readSsotActor(deps),
    observeVenue: observeVenueActor(deps),
    attest: attestActor(deps),
    build: notBuiltGate("MVP build: tki-inspector bundled into one file for the sandbox image (apps/tki-inspector)"),
    test: notBuiltTests("MVP tests inside the sandbox: the 45-row acceptance suite and the FIX7 golden report"),
    bind: bindActor(deps),
    persist: persistActor(deps),
  };
}
