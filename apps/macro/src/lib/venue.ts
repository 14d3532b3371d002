import { classifyVenue, observeVenue, type VenueFactSource } from "@macro/probes";
import type { Fact, LoadedSsot, VenueVerdict } from "@macro/ssot";

/** The venue as the operator commands see it: observed (or simulated) and classified. */
export async function classifyHere(loaded: LoadedSsot, source: VenueFactSource): Promise<{ verdict: VenueVerdict; facts: Fact[] }> {
  const observed = await observeVenue(source);
  return { verdict: classifyVenue(observed, loaded.ssot.venues, { simulated: source.kind === "simulated" }), facts: observed.facts };
}
