import {
  BlockerPacket,
  InternalError,
  TRACK_IDS,
  TRACK_TITLES,
  flagsFrom,
  type Blocker,
  type Fact,
  type OwnerRole,
  type SideEffect,
  type SideEffectKind,
  type Ssot,
  type TrackId,
  type TrackRecord,
} from "@macro/ssot";
import { sha256Hex } from "../hash.ts";
import { renderPacketMarkdown } from "./render.ts";

export interface PacketInput {
  runId: string;
  /** ISO timestamp; passed in so the builder stays pure. */
  now: string;
  ssot: Ssot;
  /** Repo-relative. */
  ssotPath: string;
  ssotSha256: string;
  tracks: TrackRecord[];
  blocker: Blocker;
  sideEffects: SideEffect[];
  /** null when the matrix could not be read; the packet's evidence then says so. */
  matrixRows: { id: string; track: TrackId }[] | null;
  previous: BlockerPacket | null;
  /** The venue the run was on, when one was recognised. */
  venueId: string | null;
  /** Repo-relative paths the renderings will be written to (see packetFileNames). */
  paths: { markdown: string; json: string };
}

const OWNER_SUFFIX: Record<OwnerRole, string> = {
  operator: "OPERATOR",
  owner: "OWNER",
  builder: "BUILDER",
  "follow-up-agent": "FOLLOW_UP_AGENT",
};

/**
 * Side effects the packet must account for in "What was NOT done" even when the policy
 * does not forbid them, because the seed's flags line makes a claim about each.
 */
const ALWAYS_ACCOUNTED: SideEffectKind[] = ["container-created", "install-or-system-mutation", "production-mutation"];
const MAC_LOCAL_EVIDENCE = "mac-local-evidence-used";

/**
 * Build the action-ready blocker packet from what the run recorded. Pure: no clock, no I/O.
 * Every statement comes from the input (SSOT catalog, track records, blocker facts, the
 * side-effect record); nothing is typed in here. Throws InternalError (defects in the
 * caller) when the blocker is not in the SSOT's catalog (BLOCKER_NOT_IN_CATALOG), when the
 * blocked track's record is missing or not blocked/failed (TRACKS_INCONSISTENT), or when
 * `now` is not a timestamp (BAD_TIMESTAMP).
 */
export function buildBlockerPacket(input: PacketInput): BlockerPacket {
  const { blocker, ssot, runId } = input;
  const entry = ssot.blockers.find((b) => b.id === blocker.id);
  if (entry === undefined) {
    throw new InternalError("BLOCKER_NOT_IN_CATALOG", `blocker ${blocker.id} raised by guard ${blocker.guard} is not in the SSOT blocker catalog`);
  }
  const own = input.tracks.find((t) => t.id === blocker.track);
  if (own === undefined || (own.status !== "blocked" && own.status !== "failed")) {
    throw new InternalError(
      "TRACKS_INCONSISTENT",
      `blocker ${blocker.id} stops track ${blocker.track}, but its record is ${own === undefined ? "missing" : own.status}`,
    );
  }
  const date = isoDate(input.now);
  const blockedTracks = computeBlockedTracks(blocker.track, input.tracks);
  const trackTitle = TRACK_TITLES[blocker.track];
  const evidence: Fact[] = [...blocker.facts];
  if (input.matrixRows === null) {
    evidence.push({
      id: "matrix.available",
      value: false,
      source: `run ${runId}: no acceptance matrix rows were supplied to the packet builder (SSOT matrix path: ${ssot.matrix.path})`,
      observedAt: input.now,
    });
  }
  const blockedSet = new Set<TrackId>(blockedTracks);
  const matrixRows = (input.matrixRows ?? []).filter((row) => blockedSet.has(row.track)).map((row) => row.id);
  const carried =
    input.previous !== null && input.previous.blocker.id === blocker.id && sameClasses(input.previous.blocker.class, blocker.class);
  const substitute = placeholders({
    venue: input.venueId ?? ssot.venues.approved.map((v) => v.id).join("|"),
    date,
    runId,
  });

  const packet: BlockerPacket = {
    schema: "macro/blocker-packet/v1",
    runId,
    generatedAt: input.now,
    macro: { id: ssot.macro.id, title: ssot.macro.title, ssotPath: input.ssotPath, ssotSha256: input.ssotSha256 },
    status: "BLOCKED",
    statusLine: `${blocker.id}_${OWNER_SUFFIX[entry.owner]}_ACTION_REQUIRED — the whole end-to-end path stops at ${trackTitle}: ${blocker.reason}`,
    flags: flagsFrom(input.sideEffects),
    stoppedAt: { track: blocker.track, trackTitle, guard: blocker.guard, why: blocker.reason },
    blocker: {
      id: blocker.id,
      title: entry.title,
      class: [...blocker.class],
      state: "BLOCKED",
      // It is the blocker the whole path stopped on, so by construction it bears the load.
      loadBearing: true,
      continuity: carried ? "carried" : "new",
      previousRunId: input.previous?.runId ?? null,
      blocks: { tracks: blockedTracks, matrixRows },
      doesNotBlock: [...entry.doesNotBlock],
      why: entry.why,
      missingCapability: blocker.missingCapability,
    },
    evidence,
    nextActions: entry.nextActions.map((a) => ({
      step: substitute(a.step),
      owner: a.owner,
      ownerName: ownerName(ssot, a.owner),
      action: substitute(a.action),
      commands: a.commands.map(substitute),
      returns: { what: substitute(a.returns.what), where: substitute(a.returns.where) },
      acceptance: substitute(a.acceptance),
      resumesAt: a.resumesAt,
    })),
    fallback: substitute(entry.fallback),
    notDone: {
      tracks: input.tracks
        .filter((t) => t.status === "not-run")
        .map((t) => ({
          track: t.id,
          title: TRACK_TITLES[t.id],
          status: "not-run" as const,
          reason: `structurally unreachable after ${blocker.id} at ${blocker.track}`,
        })),
      abstained: abstentions(ssot, input.sideEffects, runId),
    },
    tracks: input.tracks.map((t) => ({ ...t, evidence: [...t.evidence] })),
    renderings: null,
    previous:
      input.previous === null
        ? null
        : {
            runId: input.previous.runId,
            generatedAt: input.previous.generatedAt,
            blockerId: input.previous.blocker.id,
            factChanges: factChanges(input.previous.evidence, evidence),
          },
    forbiddenPerformed: input.sideEffects
      .filter((e) => ssot.policy.forbiddenSideEffects.includes(e.kind))
      .map((e) => ({ kind: e.kind, detail: e.detail, at: e.at })),
  };
  // The Markdown never prints its own digest, so it can be rendered before the digest is known.
  const withPaths: BlockerPacket = {
    ...packet,
    renderings: { markdownPath: input.paths.markdown, markdownSha256: "", jsonPath: input.paths.json },
  };
  const markdownSha256 = sha256Hex(renderPacketMarkdown(withPaths));
  return BlockerPacket.parse({
    ...packet,
    renderings: { markdownPath: input.paths.markdown, markdownSha256, jsonPath: input.paths.json },
  });
}

/** Blocker ids the previous packet had that the current one no longer has. */
export function clearedSince(previous: BlockerPacket | null, current: BlockerPacket | null): string[] {
  if (previous === null) return [];
  if (current !== null && current.blocker.id === previous.blocker.id) return [];
  return [previous.blocker.id];
}

// --- internal ---

/** The blocked track plus every later track the run recorded as not-run. */
function computeBlockedTracks(at: TrackId, tracks: readonly TrackRecord[]): TrackId[] {
  const start = TRACK_IDS.indexOf(at);
  const notRun = new Set(tracks.filter((t) => t.status === "not-run").map((t) => t.id));
  return TRACK_IDS.filter((id, i) => id === at || (i > start && notRun.has(id)));
}

/** Facts compared by id between two packets' evidence, in current-then-removed order. */
function factChanges(before: readonly Fact[], after: readonly Fact[]): NonNullable<BlockerPacket["previous"]>["factChanges"] {
  const old = new Map(before.map((f) => [f.id, f.value]));
  const now = new Map(after.map((f) => [f.id, f.value]));
  const changes: NonNullable<BlockerPacket["previous"]>["factChanges"] = [];
  for (const [id, value] of now) {
    if (!old.has(id)) changes.push({ id, change: "added", before: null, after: value });
    else if (old.get(id) !== value) changes.push({ id, change: "changed", before: old.get(id) ?? null, after: value });
  }
  for (const [id, value] of old) {
    if (!now.has(id)) changes.push({ id, change: "removed", before: value, after: null });
  }
  return changes;
}

function sameClasses(a: readonly string[], b: readonly string[]): boolean {
  const sa = [...new Set(a)].sort();
  const sb = [...new Set(b)].sort();
  return sa.length === sb.length && sa.every((c, i) => c === sb[i]);
}

function isoDate(now: string): string {
  const t = Date.parse(now);
  if (Number.isNaN(t)) throw new InternalError("BAD_TIMESTAMP", `packet time is not an ISO timestamp: ${now}`);
  return new Date(t).toISOString().slice(0, 10);
}

function placeholders(values: { venue: string; date: string; runId: string }): (text: string) => string {
  return (text) =>
    text.replaceAll("<venue>", values.venue).replaceAll("<date>", values.date).replaceAll("<runId>", values.runId);
}

function ownerName(ssot: Ssot, role: OwnerRole): string {
  return role === "follow-up-agent" ? "follow-up agent" : ssot.owners[role].name;
}

/**
 * One line per side effect the packet vouches was NOT performed, each backed by the
 * side-effect record. A performed one is left out here: it is true in the flags and, if
 * forbidden, listed in forbiddenPerformed, so the packet never claims it did not happen.
 */
function abstentions(ssot: Ssot, effects: readonly SideEffect[], runId: string): BlockerPacket["notDone"]["abstained"] {
  const kinds = [...new Set<SideEffectKind>([...ssot.policy.forbiddenSideEffects, ...ALWAYS_ACCOUNTED])];
  const out: BlockerPacket["notDone"]["abstained"] = [];
  for (const kind of kinds) {
    if (effects.some((e) => e.kind === kind)) continue;
    out.push({ kind, performed: false, basis: `side-effect record of run ${runId}: no ${kind} entry` });
  }
  if (!effects.some((e) => e.kind === "evidence-used" && e.macLocal === true)) {
    out.push({
      kind: MAC_LOCAL_EVIDENCE,
      performed: false,
      basis: `side-effect record of run ${runId}: no evidence-used entry marked macLocal`,
    });
  }
  return out;
}
