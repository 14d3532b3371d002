import * as z from "./zod.ts";
import { Fact } from "./facts.ts";
import { PacketFlags } from "./side-effects.ts";
import { OwnerRole } from "./ssot.ts";
import { TrackId, TrackRecord } from "./tracks.ts";

/** What the machine records when a guard fails: the catalog entry it raised and what was seen. */
export const Blocker = z.object({
  id: z.string().min(1),
  track: TrackId,
  guard: z.string().min(1),
  /** Catalog classes plus the class of what was observed (e.g. NO_EXECUTION_SURFACE). */
  class: z.array(z.string().min(1)).min(1),
  reason: z.string().min(1),
  facts: z.array(Fact),
  /** Set when the track's capability is not built yet: an honest halt, never a pass. */
  missingCapability: z.string().nullable(),
});
export type Blocker = z.infer<typeof Blocker>;

export const PacketNextAction = z.object({
  step: z.string(),
  owner: OwnerRole,
  ownerName: z.string(),
  action: z.string(),
  commands: z.array(z.string()),
  returns: z.object({ what: z.string(), where: z.string() }),
  acceptance: z.string(),
  resumesAt: TrackId,
});
export type PacketNextAction = z.infer<typeof PacketNextAction>;

export const Continuity = z.enum(["new", "carried", "cleared"]);
export type Continuity = z.infer<typeof Continuity>;

export const BlockerPacket = z.object({
  schema: z.literal("macro/blocker-packet/v1"),
  runId: z.string(),
  generatedAt: z.string(),
  macro: z.object({ id: z.string(), title: z.string(), ssotPath: z.string(), ssotSha256: z.string() }),
  status: z.literal("BLOCKED"),
  statusLine: z.string(),
  flags: PacketFlags,
  stoppedAt: z.object({ track: TrackId, trackTitle: z.string(), guard: z.string(), why: z.string() }),
  blocker: z.object({
    id: z.string(),
    title: z.string(),
    class: z.array(z.string()),
    state: z.literal("BLOCKED"),
    loadBearing: z.boolean(),
    continuity: Continuity,
    previousRunId: z.string().nullable(),
    blocks: z.object({ tracks: z.array(TrackId), matrixRows: z.array(z.string()) }),
    doesNotBlock: z.array(z.string()),
    why: z.string(),
    missingCapability: z.string().nullable(),
  }),
  evidence: z.array(Fact),
  nextActions: z.array(PacketNextAction).min(1),
  fallback: z.string(),
  notDone: z.object({
    tracks: z.array(z.object({ track: TrackId, title: z.string(), status: z.literal("not-run"), reason: z.string() })),
    /** Forbidden side effects that did not happen, each read from the side-effect record. */
    abstained: z.array(z.object({ kind: z.string(), performed: z.literal(false), basis: z.string() })),
  }),
  tracks: z.array(TrackRecord),
  renderings: z
    .object({
      markdownPath: z.string(),
      markdownSha256: z.string(),
      /** Where the JSON twin lives, for the Markdown footer; optional so older packets still parse. */
      jsonPath: z.string().optional(),
    })
    .nullable(),
  /**
   * What the previous packet saw, for run-to-run continuity: which evidence facts changed
   * since then (a carried blocker with no changed facts was re-verified unchanged).
   * Optional so older packets still parse.
   */
  previous: z
    .object({
      runId: z.string(),
      generatedAt: z.string(),
      blockerId: z.string(),
      factChanges: z.array(
        z.object({
          id: z.string(),
          change: z.enum(["added", "removed", "changed"]),
          before: Fact.shape.value.nullable(),
          after: Fact.shape.value.nullable(),
        }),
      ),
    })
    .nullable()
    .optional(),
  /**
   * Policy-forbidden side effects this run DID perform, copied from the side-effect record.
   * Rendered loudly; optional so older packets still parse.
   */
  forbiddenPerformed: z.array(z.object({ kind: z.string(), detail: z.string(), at: z.string() })).optional(),
});
export type BlockerPacket = z.infer<typeof BlockerPacket>;
