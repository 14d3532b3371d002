import * as z from "./zod.ts";

/** One observed fact with where it was observed. Facts are never typed in by hand. */
export const Fact = z.object({
  id: z.string().min(1),
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  source: z.string().min(1),
  observedAt: z.string(),
});
export type Fact = z.infer<typeof Fact>;

export const EngineKind = z.enum(["docker", "podman"]);
export type EngineKind = z.infer<typeof EngineKind>;

export const EngineFacts = z.object({
  kind: EngineKind,
  /** The endpoint asked, e.g. unix:///var/run/docker.sock, from DOCKER_HOST/CONTAINER_HOST or the default. */
  endpoint: z.string(),
  clientFound: z.boolean(),
  reachable: z.boolean(),
  /** True only when the engine answered and the caller may create containers (not a read-only socket). */
  canCreateContainers: z.boolean(),
  serverVersion: z.string().nullable(),
  error: z.string().nullable(),
});
export type EngineFacts = z.infer<typeof EngineFacts>;

export const VenueFacts = z.object({
  platform: z.string(),
  arch: z.string(),
  osRelease: z.string(),
  ci: z.object({
    isCI: z.boolean(),
    name: z.string().nullable(),
    isPR: z.boolean().nullable(),
  }),
  engines: z.array(EngineFacts),
  host: z.object({
    hostname: z.string(),
    /** sha256 of /etc/machine-id (or hostname when absent); identifies the host without revealing it. */
    hostId: z.string(),
    user: z.string(),
    uid: z.number().int().nullable(),
    inContainer: z.boolean(),
  }),
  observedAt: z.string(),
  /** Every fact above again, each with its source, for the packet's evidence section. */
  facts: z.array(Fact),
});
export type VenueFacts = z.infer<typeof VenueFacts>;

export const VenueClass = z.enum(["approved", "rejected", "unknown"]);
export type VenueClass = z.infer<typeof VenueClass>;

export const VenueVerdict = z.object({
  class: VenueClass,
  venueId: z.string().nullable(),
  title: z.string().nullable(),
  reason: z.string(),
  /** Approved venue with at least one engine that can create containers. */
  executionSurface: z.boolean(),
});
export type VenueVerdict = z.infer<typeof VenueVerdict>;
