import * as z from "zod";
import { EngineView } from "./engine-view.ts";
import { Sha256Hex } from "./evidence.ts";
import { Fact, VenueClass } from "./facts.ts";
import { ProbeNonce, ProbeResult } from "./probes.ts";
import { RunFlags } from "./ssot.ts";

/**
 * The B4′ evidence bundle: an in-toto Statement v1 about the sandbox, optionally wrapped in a
 * DSSE envelope signed with ed25519. A bundle file holds either a bare Statement (unsigned) or
 * an envelope whose payload is the Statement's exact bytes.
 */
export const STATEMENT_TYPE_V1 = "https://in-toto.io/Statement/v1";
export const SANDBOX_PREDICATE_TYPE = "https://macro.dev/sandbox-attestation/v1";
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

/**
 * Subject names of a sandbox attestation. Each file subject is the sha256 of the raw file bytes;
 * `image` is the hex of the image id when it is `sha256:<hex>`, else the sha256 of the id string.
 */
export const SANDBOX_SUBJECTS = {
  image: "image",
  dockerfile: "Dockerfile.sandbox",
  seccompProfile: "seccomp-deny-by-default.json",
  probeBundle: "probe-bundle",
  syscallHelper: "syscall-helper",
} as const;

export const DigestSet = z
  .object({ sha256: Sha256Hex })
  // Other algorithms may ride along (DigestSet allows them) but only sha256 is ever compared.
  .catchall(z.string());
export type DigestSet = z.infer<typeof DigestSet>;

export const StatementSubject = z.object({ name: z.string().min(1), digest: DigestSet });
export type StatementSubject = z.infer<typeof StatementSubject>;

export const InTotoStatement = z.object({
  _type: z.literal(STATEMENT_TYPE_V1),
  subject: z.array(StatementSubject).min(1, "a statement must name at least one subject"),
  predicateType: z.string().min(1),
  predicate: z.record(z.string(), z.unknown()),
});
export type InTotoStatement = z.infer<typeof InTotoStatement>;

export const AttestationVerdict = z.enum(["ATTESTED", "NOT_ATTESTED"]);
export type AttestationVerdict = z.infer<typeof AttestationVerdict>;

/** Counts of the recomputed probe verdicts; a verifier recomputes and compares them. */
export const ProbeSummary = z.strictObject({
  pass: z.number().int().nonnegative(),
  fail: z.number().int().nonnegative(),
  inconclusive: z.number().int().nonnegative(),
  notRunUnsafe: z.number().int().nonnegative(),
  error: z.number().int().nonnegative(),
});
export type ProbeSummary = z.infer<typeof ProbeSummary>;

export const SandboxAttestationPredicate = z.object({
  macroId: z.string().min(1),
  ssotSha256: Sha256Hex,
  runId: z.string().min(1).nullable(),
  venue: z.object({
    id: z.string().min(1),
    class: VenueClass,
    /** A few key observed facts (platform, CI, engine), so a reader sees why the venue was classed so. */
    facts: z.array(Fact),
  }),
  attestedAt: z.iso.datetime({ offset: true }),
  engine: z.object({ kind: z.string().min(1), serverVersion: z.string().min(1) }),
  image: z.object({ ref: z.string().min(1), id: z.string().min(1) }),
  runFlags: RunFlags,
  /**
   * Null for B4′; the profile's name for `macro attest --profile` experiments. Signed with the
   * rest, so a variant cannot be passed off as B4′ by renaming its file; never accepted as B4′.
   */
  variant: z.string().min(1).nullable(),
  /**
   * The second view: what was asked of the engine and what the engine recorded for the
   * container before it started (normalized, see engine-view.ts), and the record's digest.
   * The seccomp subject is the digest of the profile in `reported`, the one the container ran with.
   */
  engineRecord: z.strictObject({
    requested: EngineView,
    reported: EngineView,
    reportedSha256: Sha256Hex,
    /** The image id the engine created the container from. */
    imageId: z.string().min(1),
  }),
  /** The nonce the attester issued to the probe program; every probe result must carry it. */
  nonce: ProbeNonce,
  probes: z.array(ProbeResult),
  summary: ProbeSummary,
  verdict: AttestationVerdict,
});
export type SandboxAttestationPredicate = z.infer<typeof SandboxAttestationPredicate>;

export const SandboxAttestationStatement = InTotoStatement.extend({
  predicateType: z.literal(SANDBOX_PREDICATE_TYPE),
  predicate: SandboxAttestationPredicate,
});
export type SandboxAttestationStatement = z.infer<typeof SandboxAttestationStatement>;

export const DsseSignature = z.object({
  /** A hint only (sha256 hex of the signer's SPKI DER); never used to decide trust. */
  keyid: z.string().optional(),
  sig: z.string().min(1),
});
export type DsseSignature = z.infer<typeof DsseSignature>;

export const DsseEnvelope = z.object({
  payloadType: z.literal(IN_TOTO_PAYLOAD_TYPE),
  /** Base64 (standard or URL-safe) of the Statement's exact bytes. */
  payload: z.string(),
  signatures: z.array(DsseSignature),
});
export type DsseEnvelope = z.infer<typeof DsseEnvelope>;
