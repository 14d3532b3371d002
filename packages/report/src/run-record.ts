import * as z from "zod";
import { InternalError, PacketFlags, Sha256Hex, TrackRecord } from "@macro/ssot";

/**
 * How a run ended: the machine's final states, or `interrupted` (Ctrl-C, SIGTERM) for a run
 * that stopped mid-track and may be resumed under the same run id.
 */
export const RunStatus = z.enum(["closed", "blocked", "aborted", "interrupted"]);
export type RunStatus = z.infer<typeof RunStatus>;

export const RUN_RECORD_PREDICATE = "https://macro.dev/run-record/v1";

export const RunRecordSubject = z.strictObject({
  /** Repo-relative path of a file the run produced. */
  name: z.string().min(1),
  digest: z.strictObject({ sha256: Sha256Hex }),
});

export const RunRecordEvidence = z.strictObject({
  id: z.string().min(1),
  path: z.string().min(1),
  sha256: Sha256Hex,
  origin: z.enum(["produced", "verified-read-only"]),
});
export type RunRecordEvidence = z.infer<typeof RunRecordEvidence>;

export const RunRecord = z.object({
  _type: z.literal("https://in-toto.io/Statement/v1"),
  subject: z.array(RunRecordSubject).min(1, "a run record must cover at least one product"),
  predicateType: z.literal(RUN_RECORD_PREDICATE),
  predicate: z.object({
    runId: z.string().min(1),
    macroId: z.string().min(1),
    ssotSha256: Sha256Hex,
    status: RunStatus,
    tracks: z.array(TrackRecord),
    blockerId: z.string().nullable(),
    flags: PacketFlags,
    /** sha256 of every line of evidence.intoto.jsonl, in file order: the bundle is not authenticated as a whole. */
    evidenceLines: z.array(Sha256Hex),
    /**
     * What each product is, so a verifier can recompute the binding later: the evidence the
     * tracks recorded (attestation, run key, test results, MVP bundle, binding), by id.
     */
    evidence: z.array(RunRecordEvidence).default([]),
    /** The acceptance matrix the binding was computed from, pinned by digest. */
    matrix: z.strictObject({ path: z.string().min(1), sha256: Sha256Hex }).nullable().default(null),
  }),
});
export type RunRecord = z.infer<typeof RunRecord>;

export interface RunRecordInput {
  runId: string;
  macroId: string;
  ssotSha256: string;
  status: RunStatus;
  tracks: TrackRecord[];
  blockerId: string | null;
  flags: PacketFlags;
  /** Every file the run produced, with the sha256 of its raw bytes (see digestFile). */
  products: { path: string; sha256: string }[];
  /** From jsonlLineDigests over the run's evidence.intoto.jsonl bytes; [] when none was written. */
  evidenceLines: string[];
  /** The evidence by id (every path must also be a product). */
  evidence?: RunRecordEvidence[];
  matrix?: { path: string; sha256: string } | null;
}

/**
 * The run record as an in-toto Statement v1 over everything the run produced. Pure.
 * Throws InternalError when it would be inconsistent (no products, a blocked run with no
 * blocker, a closed run with one, duplicate subjects): those are defects in the caller.
 */
export function buildRunRecord(input: RunRecordInput): RunRecord {
  if (input.status === "blocked" && input.blockerId === null) {
    throw new InternalError("RUN_RECORD_INCONSISTENT", "a blocked run must name its blocker");
  }
  if (input.status === "closed" && input.blockerId !== null) {
    throw new InternalError("RUN_RECORD_INCONSISTENT", "a closed run cannot carry a blocker");
  }
  const names = new Map<string, string>();
  for (const p of input.products) {
    if (names.has(p.path)) throw new InternalError("RUN_RECORD_INCONSISTENT", `product listed twice: ${p.path}`);
    names.set(p.path, p.sha256);
  }
  for (const e of input.evidence ?? []) {
    if (names.get(e.path) !== e.sha256) throw new InternalError("RUN_RECORD_INCONSISTENT", `evidence ${e.id} (${e.path}) is not a product with that digest`);
  }
  const record = {
    _type: "https://in-toto.io/Statement/v1" as const,
    subject: input.products.map((p) => ({ name: p.path, digest: { sha256: p.sha256 } })),
    predicateType: RUN_RECORD_PREDICATE,
    predicate: {
      runId: input.runId,
      macroId: input.macroId,
      ssotSha256: input.ssotSha256,
      status: input.status,
      tracks: input.tracks,
      blockerId: input.blockerId,
      flags: input.flags,
      evidenceLines: input.evidenceLines,
      evidence: input.evidence ?? [],
      matrix: input.matrix ?? null,
    },
  };
  const parsed = RunRecord.safeParse(record);
  if (!parsed.success) throw new InternalError("RUN_RECORD_INVALID", z.prettifyError(parsed.error));
  return parsed.data;
}
