import type { TrackDeps } from "./deps.ts";
import { buildActor } from "./build.ts";
import { testActor } from "./test.ts";
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
    build: buildActor(deps),
    test: testActor(deps),
    bind: bindActor(deps),
    persist: persistActor(deps),
  };
}
