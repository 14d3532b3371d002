import type { Logger } from "pino";
import type { VenueFactSource } from "@macro/probes";
import type { LoadedSsot, SideEffect, VenueFacts } from "@macro/ssot";
import type { Paths } from "../lib/paths.ts";
import type { StepProgress } from "../lib/progress.ts";

/** Records side effects as the adapters perform them; packet flags are read from this. */
export class SideEffectLog {
  readonly entries: SideEffect[] = [];
  constructor(private readonly log: Logger) {}
  record(effect: SideEffect): void {
    this.entries.push(effect);
    this.log.info({ sideEffect: effect }, `side effect: ${effect.kind}`);
  }
  /** Entries recorded since `mark` (the length at an earlier point). */
  since(mark: number): SideEffect[] {
    return this.entries.slice(mark);
  }
}

export interface TrackDeps {
  paths: Paths;
  loaded: LoadedSsot;
  env: Record<string, string | undefined>;
  recorder: SideEffectLog;
  log: Logger;
  now: () => Date;
  /** Live, or simulated from MACRO_VENUE_FACTS (validated before the run starts). */
  venueSource: VenueFactSource;
  /**
   * This run's ephemeral ed25519 key pair, made when the run starts and never written down: it
   * signs the in-run attestation, and its public key is handed to the inspector and recorded.
   */
  runKey: { privateKeyPem: string; publicKeyPem: string; keyid: string };
  /** The live venue observed while the inputs were read; null when simulated. Used once. */
  venueFacts: Promise<VenueFacts> | null;
  /** Where a long track says which step it is on (progress for people; no effect on the run). */
  progress?: (step: StepProgress) => void;
}
