import type { TrackInput, VenueOutput } from "@macro/machine";
import { classifyVenue, observeVenue } from "@macro/probes";
import type { TrackDeps } from "./deps.ts";

/**
 * Observes the venue (or reads simulated facts from MACRO_VENUE_FACTS, which can block a
 * run but never approve a venue) and classifies it against the SSOT.
 */
export function observeVenueFn(deps: TrackDeps) {
  return async (_args: { input: TrackInput }): Promise<VenueOutput> => {
    const source = deps.venueSource;
    // The early observation serves the first attempt; a repeated track observes afresh.
    const early = deps.venueFacts;
    deps.venueFacts = null;
    const facts = await (early ?? observeVenue(source));
    const verdict = classifyVenue(facts, deps.loaded.ssot.venues, { simulated: source.kind === "simulated" });
    const at = deps.now().toISOString();
    // Only an approved venue that cannot run the sandbox itself looks for an operator's bundle.
    const operator = verdict.class === "approved" && !verdict.executionSurface
      ? await (await import("@macro/attest")).findOperatorBundle(deps.loaded, deps.paths.reportsDir, deps.paths.cwd, deps.now())
      : { bundle: null, facts: [] };
    return {
      verdict,
      operatorBundle: operator.bundle,
      facts: [
        ...facts.facts,
        { id: "venue.class", value: verdict.class, source: "classifyVenue(facts, ssot.venues)", observedAt: at },
        { id: "venue.id", value: verdict.venueId, source: "classifyVenue(facts, ssot.venues)", observedAt: at },
        { id: "venue.executionSurface", value: verdict.executionSurface, source: "approved venue with an engine able to create containers", observedAt: at },
        ...operator.facts,
      ],
      evidence: [],
      sideEffects: [],
    };
  };
}
