import type { EvidenceRef } from "@macro/ssot";
import type { RowEvidence } from "@macro/verifier";
import type { TrackDeps } from "./deps.ts";

/**
 * Row evidence is read back from the files the earlier tracks recorded, never from their
 * in-memory claims. Until the attestation and test tracks produce statements there is no
 * row evidence, so every row is NOT_RUN and the run blocks.
 */
export async function rowEvidenceFrom(_deps: TrackDeps, _evidence: EvidenceRef[]): Promise<RowEvidence[]> {
  return [];
}
