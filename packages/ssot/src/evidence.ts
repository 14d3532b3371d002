import * as z from "./zod.ts";
import { TrackId } from "./tracks.ts";

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "expected a lowercase sha256 hex digest");

/** A piece of evidence: a file with its digest, made in this run or verified read-only. */
export const EvidenceRef = z.object({
  id: z.string().min(1),
  path: z.string().min(1),
  sha256: Sha256Hex,
  bytes: z.number().int().nonnegative(),
  track: TrackId,
  origin: z.enum(["produced", "verified-read-only"]),
  createdAt: z.string(),
});
export type EvidenceRef = z.infer<typeof EvidenceRef>;
