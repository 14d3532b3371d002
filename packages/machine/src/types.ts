import * as z from "zod";
import { Blocker, EvidenceRef, Fact, SideEffect, TrackId, TrackRecord, VenueVerdict } from "@macro/ssot";

/**
 * What every track actor returns. Outputs are JSON-only because they land in the
 * machine context, which is persisted as a checkpoint. Facts and side effects are
 * appended to the run record even when the track blocks: what was observed and done
 * before a halt belongs in the packet.
 */
const Base = {
  facts: z.array(Fact),
  evidence: z.array(EvidenceRef),
  sideEffects: z.array(SideEffect),
};

/** `{ missing }` is an honest "not built yet": it always blocks, never passes. */
export const Capability = z.union([z.literal("built"), z.strictObject({ missing: z.string().min(1) })]);
export type Capability = z.infer<typeof Capability>;

export const SsotOutput = z.object({ ...Base, ssotSha256Now: z.string() });
export type SsotOutput = z.infer<typeof SsotOutput>;

/**
 * An operator's attestation bundle for an approved venue, verified read-only at this venue:
 * the surface B4′ needs was provided by the operator rather than by an engine here.
 */
export const OperatorBundle = z.object({ path: z.string().min(1), sha256: z.string().min(1), venueId: z.string().min(1) });
export type OperatorBundle = z.infer<typeof OperatorBundle>;

export const VenueOutput = z.object({ ...Base, verdict: VenueVerdict, operatorBundle: OperatorBundle.nullable() });
export type VenueOutput = z.infer<typeof VenueOutput>;

const Gate = { ...Base, capability: Capability, ok: z.boolean(), reason: z.string() };

export const AttestOutput = z.object(Gate);
export type AttestOutput = z.infer<typeof AttestOutput>;

export const BuildOutput = z.object(Gate);
export type BuildOutput = z.infer<typeof BuildOutput>;

/** Skipped and not-run tests count against a pass: a suite that ran nothing proves nothing. */
export const TestOutput = z.object({
  ...Gate,
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  notRun: z.number().int().nonnegative(),
});
export type TestOutput = z.infer<typeof TestOutput>;

export const RowStatus = z.enum(["BOUND_PASS", "FAILED", "BLOCKED", "NOT_RUN", "WAIVED", "STALE"]);
export type RowStatus = z.infer<typeof RowStatus>;

export const BindOutput = z.object({
  ...Base,
  matrixPresent: z.boolean(),
  rows: z.array(z.object({ id: z.string().min(1), status: RowStatus })),
});
export type BindOutput = z.infer<typeof BindOutput>;

export const PersistOutput = z.object({ ...Base, ok: z.boolean(), reason: z.string() });
export type PersistOutput = z.infer<typeof PersistOutput>;

export type TrackOutputMap = {
  ssot: SsotOutput;
  venue: VenueOutput;
  attest: AttestOutput;
  build: BuildOutput;
  test: TestOutput;
  bind: BindOutput;
  persist: PersistOutput;
};

/** The output schema of each track's actor, used to validate it before any guard looks. */
export const TRACK_OUTPUTS: { [K in TrackId]: z.ZodType<TrackOutputMap[K]> } = {
  ssot: SsotOutput,
  venue: VenueOutput,
  attest: AttestOutput,
  build: BuildOutput,
  test: TestOutput,
  bind: BindOutput,
  persist: PersistOutput,
};

export const TrackOutputs = z.object({
  ssot: SsotOutput.optional(),
  venue: VenueOutput.optional(),
  attest: AttestOutput.optional(),
  build: BuildOutput.optional(),
  test: TestOutput.optional(),
  bind: BindOutput.optional(),
  persist: PersistOutput.optional(),
});
export type TrackOutputs = z.infer<typeof TrackOutputs>;

/** The part of an SSOT blocker catalog entry the machine needs; extra fields are dropped. */
export const CatalogEntry = z.object({
  id: z.string().min(1),
  class: z.array(z.string().min(1)).min(1),
  guards: z.array(z.string().min(1)),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

/** JSON-only on purpose: the input is persisted with the snapshot. */
export const MacroInput = z.object({
  runId: z.string().min(1),
  ssotSha256: z.string().min(1),
  catalog: z.array(CatalogEntry),
});
export type MacroInput = z.infer<typeof MacroInput>;

export const RunStatus = z.enum(["running", "closed", "blocked", "aborted"]);
export type RunStatus = z.infer<typeof RunStatus>;

export const MacroContext = z.object({
  runId: z.string().min(1),
  ssotSha256: z.string().min(1),
  catalog: z.array(CatalogEntry),
  status: RunStatus,
  tracks: z.array(TrackRecord),
  evidence: z.array(EvidenceRef),
  facts: z.array(Fact),
  sideEffects: z.array(SideEffect),
  blocker: Blocker.nullable(),
  /** Set only on `aborted`: the defect, as a message. */
  error: z.string().nullable(),
  outputs: TrackOutputs,
});
export type MacroContext = z.infer<typeof MacroContext>;

/** What every track actor receives: the run so far, so later tracks can read earlier outputs. */
export type TrackInput = {
  runId: string;
  ssotSha256: string;
  track: TrackId;
  tracks: TrackRecord[];
  outputs: TrackOutputs;
  evidence: EvidenceRef[];
  facts: Fact[];
  sideEffects: SideEffect[];
};

export type MacroOutput = {
  status: Exclude<RunStatus, "running">;
  blocker: Blocker | null;
  tracks: TrackRecord[];
  evidence: EvidenceRef[];
  facts: Fact[];
  sideEffects: SideEffect[];
  error: string | null;
  outputs: TrackOutputs;
};
