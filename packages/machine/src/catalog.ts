import type { Blocker, Fact, TrackId } from "@macro/ssot";
import { CHECK_NAMES, OBSERVED_CLASS, type CheckName } from "./checks.ts";
import type { CatalogEntry, Capability } from "./types.ts";

/**
 * Problems with a blocker catalog: a check that no entry names would leave its
 * failure without a packet; a check in two entries would make the packet ambiguous.
 * Empty means the catalog is usable.
 */
export function validateCatalog(catalog: readonly CatalogEntry[]): string[] {
  const problems: string[] = [];
  for (const check of CHECK_NAMES) {
    const ids = catalog.filter((e) => e.guards.includes(check)).map((e) => e.id);
    if (ids.length === 0) problems.push(`check ${check} has no blocker catalog entry`);
    if (ids.length > 1) problems.push(`check ${check} is in ${ids.length} blocker catalog entries: ${ids.join(", ")}`);
  }
  return problems;
}

/** The one catalog entry whose `guards` name the check, or null when there is not exactly one. */
export function catalogEntryFor(catalog: readonly CatalogEntry[], check: string): CatalogEntry | null {
  const found = catalog.filter((e) => e.guards.includes(check));
  return found.length === 1 ? (found[0] ?? null) : null;
}

export type BlockerParts = {
  track: TrackId;
  check: CheckName;
  reason: string;
  facts: Fact[];
  capability: Capability | null;
};

/** The typed blocker for a failed check, or null when the catalog cannot name it (a defect). */
export function makeBlocker(catalog: readonly CatalogEntry[], parts: BlockerParts): Blocker | null {
  const entry = catalogEntryFor(catalog, parts.check);
  if (entry == null) return null;
  return {
    id: entry.id,
    track: parts.track,
    guard: parts.check,
    class: [...new Set([...entry.class, OBSERVED_CLASS[parts.check]])],
    reason: parts.reason,
    facts: parts.facts,
    missingCapability: parts.capability != null && parts.capability !== "built" ? parts.capability.missing : null,
  };
}
