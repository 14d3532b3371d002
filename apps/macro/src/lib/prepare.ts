import { resolve } from "node:path";
import { validateCatalog, type CatalogEntry } from "@macro/machine";
import { formatSimulatedVenueError, liveVenueSource, loadSimulatedVenue, type VenueFactSource } from "@macro/probes";
import { InputError, formatSsotError, loadSsot, type LoadedSsot } from "@macro/ssot";
import type { Io } from "./io.ts";
import type { Paths } from "./paths.ts";

/**
 * Everything a run needs that a user supplies, validated before anything is written:
 * a bad input exits 2 with the file and field named, and leaves no trace.
 */
export async function loadInputs(io: Io, paths: Paths): Promise<{ loaded: LoadedSsot; catalog: CatalogEntry[]; venueSource: VenueFactSource }> {
  const result = await loadSsot(paths.ssot);
  if (!result.ok) throw new InputError(result.error.code, formatSsotError(result.error), { file: result.error.file });
  const loaded = result.value;
  const catalog = loaded.ssot.blockers.map(({ id, class: cls, guards }) => ({ id, class: cls, guards }));
  const problems = validateCatalog(catalog);
  if (problems.length > 0) {
    throw new InputError("SSOT_CATALOG", problems.map((p) => `${loaded.path}: blockers: ${p}`).join("\n"), { file: loaded.path });
  }
  const simulated = io.env.MACRO_VENUE_FACTS;
  let venueSource = liveVenueSource({ env: io.env });
  if (simulated !== undefined && simulated !== "") {
    const file = resolve(io.cwd, simulated);
    const venue = await loadSimulatedVenue(file);
    if (!venue.ok) throw new InputError("VENUE_FACTS_INVALID", formatSimulatedVenueError(venue.error), { file });
    venueSource = venue.value;
  }
  return { loaded, catalog, venueSource };
}
