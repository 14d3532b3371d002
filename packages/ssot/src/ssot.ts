import * as z from "./zod.ts";
import { SideEffectKind } from "./side-effects.ts";
import { TrackId } from "./tracks.ts";

/** Sane ranges: a number past these is a typo or an attack, never a setting. */
export const MAX_FRESHNESS_DAYS = 90;
export const MAX_PIDS = 65_536;
export const MEMORY_RANGE = { min: 16 * 1024 ** 2, max: 64 * 1024 ** 3 } as const;

/** `256m` → bytes; docker's suffixes, no suffix meaning bytes. */
export function memoryLimitBytes(text: string): number {
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[text.slice(-1)] ?? 1;
  return Number.parseInt(text, 10) * unit;
}

export const OwnerRole = z.enum(["operator", "owner", "builder", "follow-up-agent"]);
export type OwnerRole = z.infer<typeof OwnerRole>;

export const Owner = z.strictObject({
  name: z.string().min(1),
  contact: z.string().min(1).optional(),
  responsibilities: z.string().min(1),
});

/** How a venue is recognised from observed facts. Every given key must match. */
export const VenueMatch = z.strictObject({
  platform: z.array(z.string().min(1)).min(1).optional(),
  ci: z.boolean().optional(),
  /** Names as reported by ci-info (e.g. "GitHub Actions"); omitted means any CI. */
  ciNames: z.array(z.string().min(1)).optional(),
  inContainer: z.boolean().optional(),
});
export type VenueMatch = z.infer<typeof VenueMatch>;

export const ApprovedVenue = z.strictObject({
  id: z.string().regex(/^[A-Z][A-Z0-9_-]*$/, "venue ids are upper-case, e.g. V1"),
  title: z.string().min(1),
  description: z.string().min(1),
  match: VenueMatch,
  /** An approved venue still needs an engine able to create containers to run B4′ itself. */
  requiresEngine: z.boolean(),
});
export type ApprovedVenue = z.infer<typeof ApprovedVenue>;

export const RejectedVenue = z.strictObject({
  id: z.string().regex(/^[A-Z][A-Z0-9_-]*$/, "venue ids are upper-case, e.g. MAC_LOCAL"),
  title: z.string().min(1),
  match: VenueMatch,
  reason: z.string().min(1),
});
export type RejectedVenue = z.infer<typeof RejectedVenue>;

const JsonValue = z.json();

export const ProbeExpectation = z.strictObject({
  id: z.string().regex(/^P\d{2}-[A-Z0-9-]+$/, "probe ids look like P01-FS-ROOT-RO"),
  title: z.string().min(1),
  /** What the probe must observe; compared key by key with the probe's actual result. */
  expected: z.record(z.string(), JsonValue),
});
export type ProbeExpectation = z.infer<typeof ProbeExpectation>;

export const RunFlags = z.strictObject({
  rm: z.literal(true),
  network: z.string().min(1),
  readOnly: z.boolean(),
  capDrop: z.array(z.string()),
  capAdd: z.array(z.string()).default([]),
  noNewPrivileges: z.boolean(),
  seccomp: z.string().min(1),
  user: z.string().regex(/^\d+:\d+$/, "user is uid:gid"),
  pidsLimit: z.number().int().positive().max(MAX_PIDS, `at most ${MAX_PIDS}`).nullable(),
  memory: z
    .string()
    .regex(/^\d+[kmg]?$/)
    .refine((m) => {
      const bytes = memoryLimitBytes(m);
      return bytes >= MEMORY_RANGE.min && bytes <= MEMORY_RANGE.max;
    }, "between 16m and 64g (0 would mean no limit)")
    .nullable(),
  tmpfs: z.string().nullable(),
  env: z.record(z.string(), z.string()).default({}),
  mounts: z.array(z.strictObject({ source: z.string(), target: z.string(), readOnly: z.boolean() })).default([]),
});
export type RunFlags = z.infer<typeof RunFlags>;

export const SandboxProfile = z.strictObject({
  image: z.string().min(1),
  dockerfile: z.string().min(1),
  seccompProfile: z.string().min(1),
  runFlags: RunFlags,
  /** Evidence older than this is stale; a bound that never ends would make any bundle fresh. */
  freshnessDays: z.number().int().positive().max(MAX_FRESHNESS_DAYS, `at most ${MAX_FRESHNESS_DAYS} days`),
  signing: z.strictObject({
    required: z.boolean(),
    trustedKeys: z.array(z.string().min(1)),
    signingKey: z.string().min(1).nullable(),
  }),
  probes: z.array(ProbeExpectation).min(12, "a deny-by-default attestation needs at least 12 probes").max(256),
});
export type SandboxProfile = z.infer<typeof SandboxProfile>;

export const NextAction = z.strictObject({
  step: z.string().min(1),
  owner: OwnerRole,
  action: z.string().min(1),
  /** Runnable commands, in order. Placeholders: <venue>, <date>, <bundle>, <runId>. */
  commands: z.array(z.string().min(1)),
  returns: z.strictObject({ what: z.string().min(1), where: z.string().min(1) }),
  acceptance: z.string().min(1),
  resumesAt: TrackId,
});
export type NextAction = z.infer<typeof NextAction>;

export const BlockerCatalogEntry = z.strictObject({
  id: z.string().min(1),
  title: z.string().min(1),
  /** Base classes; the run adds the class of what it observed. */
  class: z.array(z.string().regex(/^[A-Z][A-Z0-9_]*$/)).min(1),
  owner: OwnerRole,
  /** The named machine guards whose failure raises this blocker. */
  guards: z.array(z.string().min(1)).min(1),
  why: z.string().min(1),
  doesNotBlock: z.array(z.string().min(1)),
  nextActions: z.array(NextAction).min(1),
  fallback: z.string().min(1),
});
export type BlockerCatalogEntry = z.infer<typeof BlockerCatalogEntry>;

export const Ssot = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  macro: z.strictObject({
    id: z.string().regex(/^[A-Z0-9_]+$/, "macro ids are upper-case with underscores"),
    title: z.string().min(1),
    date: z.iso.date(),
  }),
  policy: z.strictObject({
    forbiddenSideEffects: z.array(SideEffectKind).min(1, "an empty policy would forbid nothing"),
  }),
  venues: z.strictObject({
    approved: z.array(ApprovedVenue).min(1),
    rejected: z.array(RejectedVenue),
  }),
  sandbox: SandboxProfile,
  matrix: z.strictObject({
    /** Relative to the SSOT file. */
    path: z.string().min(1),
    rows: z.number().int().positive().max(1000),
  }),
  owners: z.strictObject({ operator: Owner, owner: Owner, builder: Owner }),
  blockers: z.array(BlockerCatalogEntry).min(1),
});
export type Ssot = z.infer<typeof Ssot>;
