import { resolve } from "node:path";
import { validateCatalog, type CatalogEntry } from "@macro/machine";
import { formatSimulatedVenueError, liveVenueSource, loadSimulatedVenue, observeVenue, type VenueFactSource } from "@macro/probes";
import { InputError, formatSsotError, loadSsot, type LoadedSsot, type VenueFacts } from "@macro/ssot";
import type { Io } from "./io.ts";
import { checkNamedFiles, type NamedFiles } from "./named-files.ts";
import type { Paths } from "./paths.ts";

/**
 * Everything a run needs that a user supplies, validated before anything is written:
 * a bad input exits 2 with the file and field named, and leaves no trace.
 */
export async function loadInputs(
  io: Io,
  paths: Paths,
  /** Keys a command takes besides the SSOT's: checked with them. A relative private key is the SSOT's. */
  keys: { publicKeys?: string[]; privateKey?: string } = {},
): Promise<{ loaded: LoadedSsot; catalog: CatalogEntry[]; named: NamedFiles; venueSource: VenueFactSource; venueFacts: Promise<VenueFacts> | null }> {
  const simulated = io.env.MACRO_VENUE_FACTS;
  // The live venue does not depend on the SSOT: ask the engines (a child process each) while
  // the SSOT is read. Observing writes nothing, so an input error still leaves no trace.
  const early = simulated === undefined || simulated === "" ? observeVenue(liveVenueSource({ env: io.env })) : null;
  early?.catch(() => undefined);
  const result = await loadSsot(paths.ssot);
  if (!result.ok) throw new InputError(result.error.code, formatSsotError(result.error), { file: result.error.file });
  const loaded = result.value;
  const catalog = loaded.ssot.blockers.map(({ id, class: cls, guards }) => ({ id, class: cls, guards }));
  const problems = validateCatalog(catalog);
  if (problems.length > 0) {
    throw new InputError("SSOT_CATALOG", problems.map((p) => `${loaded.path}: blockers: ${p}`).join("\n"), { file: loaded.path });
  }
  const named = await checkNamedFiles(loaded, {
    ...(keys.publicKeys === undefined ? {} : { publicKeys: keys.publicKeys }),
    ...(keys.privateKey === undefined ? {} : { privateKey: resolve(loaded.dir, keys.privateKey) }),
  });
  let venueSource = liveVenueSource({ env: io.env });
  if (simulated !== undefined && simulated !== "") {
    const file = resolve(io.cwd, simulated);
    const venue = await loadSimulatedVenue(file);
    if (!venue.ok) throw new InputError("VENUE_FACTS_INVALID", formatSimulatedVenueError(venue.error), { file });
    venueSource = venue.value;
  }
  return { loaded, catalog, named, venueSource, venueFacts: early };
}
