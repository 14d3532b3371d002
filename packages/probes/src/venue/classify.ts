import type { EngineFacts, Ssot, VenueFacts, VenueMatch, VenueVerdict } from "@macro/ssot";
import { SIMULATED_PREFIX } from "./observe.ts";

type Venues = Ssot["venues"];

/**
 * Classifies observed facts with the SSOT's venue rules: rejected rules first (so MAC_LOCAL
 * wins over anything), then approved rules in order, else unknown.
 *
 * Simulated facts can block but never approve: they come from a file anyone can write. They
 * are recognised by `opts.simulated` or by any fact whose source is marked simulated, so a
 * caller forgetting the flag cannot turn a description into an approval.
 */
export function classifyVenue(facts: VenueFacts, venues: Venues, opts: { simulated?: boolean } = {}): VenueVerdict {
  const simulated = opts.simulated === true || facts.facts.some((f) => f.source.startsWith(SIMULATED_PREFIX));

  for (const rule of venues.rejected) {
    const hit = matchRule(facts, rule.match);
    // An empty rejected rule rejects everything: failing closed is the safe reading.
    if (hit !== null) {
      return {
        class: "rejected",
        venueId: rule.id,
        title: rule.title,
        reason: `${hit || "any venue"} matches rejected venue ${rule.id}: ${rule.reason}`,
        executionSurface: false,
      };
    }
  }

  for (const rule of venues.approved) {
    const hit = matchRule(facts, rule.match);
    // An empty approved rule would approve anything, so it approves nothing.
    if (hit === null || hit === "") continue;
    if (simulated) {
      return {
        class: "unknown",
        venueId: null,
        title: null,
        reason: `simulated facts cannot approve a venue: they would match approved venue ${rule.id} (${hit}); observe the venue live to approve it`,
        executionSurface: false,
      };
    }
    const surface = rule.requiresEngine ? engineSurface(facts.engines) : { ok: true, text: "no container engine required" };
    return {
      class: "approved",
      venueId: rule.id,
      title: rule.title,
      reason: `${hit} matches approved venue ${rule.id}; ${surface.text}`,
      executionSurface: surface.ok,
    };
  }

  const approved = venues.approved.map((v) => `${v.id} (${describeMatch(v.match)})`).join(", ");
  return {
    class: "unknown",
    venueId: null,
    title: null,
    reason: `no venue rule matches ${describeFacts(facts)}; approved venues: ${approved || "none"}`,
    executionSurface: false,
  };
}

/** Null when some given key differs; otherwise the matched conditions ("" for an empty rule). */
function matchRule(facts: VenueFacts, match: VenueMatch): string | null {
  const hit: string[] = [];
  if (match.platform !== undefined) {
    if (!match.platform.includes(facts.platform)) return null;
    hit.push(`platform ${facts.platform}`);
  }
  if (match.ci !== undefined) {
    if (facts.ci.isCI !== match.ci) return null;
    hit.push(`ci ${facts.ci.isCI}`);
  }
  if (match.ciNames !== undefined) {
    if (facts.ci.name === null || !match.ciNames.includes(facts.ci.name)) return null;
    hit.push(`CI ${facts.ci.name}`);
  }
  if (match.inContainer !== undefined) {
    if (facts.host.inContainer !== match.inContainer) return null;
    hit.push(`inContainer ${facts.host.inContainer}`);
  }
  return hit.join(", ");
}

function engineSurface(engines: readonly EngineFacts[]): { ok: boolean; text: string } {
  const able = engines.find((e) => e.canCreateContainers);
  if (able !== undefined) {
    const version = able.serverVersion === null ? "" : ` (server ${able.serverVersion})`;
    return { ok: true, text: `${able.kind} at ${able.endpoint}${version} can create containers` };
  }
  if (engines.length === 0) return { ok: false, text: "no container engine was probed" };
  const details = engines.map(describeEngine).join("; ");
  const headline = engines.some((e) => e.reachable) ? "no container engine can create containers" : "no container engine answered";
  return { ok: false, text: `${headline}: ${details}` };
}

function describeEngine(e: EngineFacts): string {
  const at = `${e.kind} at ${e.endpoint}`;
  if (!e.clientFound) return `${at}: ${e.error ?? "client not found"}`;
  if (!e.reachable) return `${at}: ${e.error ?? "no answer"}`;
  const version = e.serverVersion === null ? "" : ` (server ${e.serverVersion})`;
  return `${at}: answered${version} but cannot create containers${e.error === null ? "" : `: ${e.error}`}`;
}

function describeMatch(match: VenueMatch): string {
  const parts: string[] = [];
  if (match.platform !== undefined) parts.push(`platform ${match.platform.join("|")}`);
  if (match.ci !== undefined) parts.push(`ci ${match.ci}`);
  if (match.ciNames !== undefined) parts.push(`CI ${match.ciNames.join("|")}`);
  if (match.inContainer !== undefined) parts.push(`inContainer ${match.inContainer}`);
  return parts.join(", ") || "matches nothing: empty rule";
}

function describeFacts(facts: VenueFacts): string {
  const ciName = facts.ci.name === null ? "" : ` (${facts.ci.name})`;
  return `platform ${facts.platform}, ci ${facts.ci.isCI}${ciName}, inContainer ${facts.host.inContainer}`;
}
