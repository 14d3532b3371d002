import * as z from "./zod.ts";

/** The tracks of a program macro, in the order they run. */
export const TRACK_IDS = ["ssot", "venue", "attest", "build", "test", "bind", "persist"] as const;
export const TrackId = z.enum(TRACK_IDS);
export type TrackId = z.infer<typeof TrackId>;

export const TRACK_TITLES: Record<TrackId, string> = {
  ssot: "Read SSOT",
  venue: "Verify venue",
  attest: "B4′ sandbox attestation",
  build: "Build MVP",
  test: "Run tests",
  bind: "Bind evidence",
  persist: "Persist",
};

/**
 * `not-run` means structurally unreachable after a blocker; `pending` and `running`
 * only exist while a run is in flight and never appear in a finished record.
 */
export const TrackStatus = z.enum(["pending", "running", "passed", "failed", "blocked", "not-run"]);
export type TrackStatus = z.infer<typeof TrackStatus>;

export const TrackRecord = z.object({
  id: TrackId,
  status: TrackStatus,
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nonnegative().nullable(),
  /** Evidence ids this track produced or verified. */
  evidence: z.array(z.string()),
});
export type TrackRecord = z.infer<typeof TrackRecord>;
