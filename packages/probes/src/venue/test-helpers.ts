import { fileURLToPath } from "node:url";
import { formatSsotError, loadSsot, type Ssot, type VenueFacts } from "@macro/ssot";
import { formatSimulatedVenueError, loadSimulatedVenue } from "./simulated.ts";
import { observeVenue, SIMULATED_PREFIX } from "./observe.ts";

// Shared by this folder's tests only; not exported from the package.
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
export const venueFixture = (name: string) => `${repoRoot}fixtures/venues/${name}`;

export async function repoVenues(): Promise<Ssot["venues"]> {
  const loaded = await loadSsot(`${repoRoot}macro.yaml`);
  if (!loaded.ok) throw new Error(formatSsotError(loaded.error));
  return loaded.value.ssot.venues;
}

export async function observeFixture(name: string): Promise<VenueFacts> {
  const source = await loadSimulatedVenue(venueFixture(name));
  if (!source.ok) throw new Error(formatSimulatedVenueError(source.error));
  return observeVenue(source.value);
}

/** The same facts as a live observation would report them, to test what approval needs. */
export function asIfLive(facts: VenueFacts): VenueFacts {
  return {
    ...facts,
    facts: facts.facts.map((f) => ({ ...f, source: f.source.startsWith(SIMULATED_PREFIX) ? f.source.slice(SIMULATED_PREFIX.length) : f.source })),
  };
}
