import {
  SANDBOX_PREDICATE_TYPE,
  SANDBOX_SUBJECTS,
  STATEMENT_TYPE_V1,
  type EngineKind,
  type Fact,
  type ProbeExpectation,
  type ProbeResult,
  type RunFlags,
  type SandboxAttestationStatement,
  type StatementSubject,
  type VenueClass,
  type SandboxAttestationPredicate,
  seccompDigest,
  sha256Of,
} from "@macro/ssot";
import { sha256Hex } from "./hash.ts";
import { judgeProbes, summarize } from "./judge.ts";

/** The raw bytes of the files that define the attested boundary, as read on the venue. */
export interface SandboxFiles {
  dockerfile: Uint8Array;
  seccompProfile: Uint8Array;
  probeBundle: Uint8Array;
  /** Null when the probes issue raw syscalls without a helper binary. */
  syscallHelper: Uint8Array | null;
}

export interface AttestationInput {
  macroId: string;
  ssotSha256: string;
  runId: string | null;
  venue: { id: string; class: VenueClass; facts: Fact[] };
  attestedAt: string;
  engine: { kind: EngineKind | string; serverVersion: string };
  image: { ref: string; id: string };
  runFlags: RunFlags;
  /** Null for B4′; the profile name of an `attest --profile` experiment. */
  variant: string | null;
  /** The engine's record of the container, held to the request before it started. */
  engineRecord: SandboxAttestationPredicate["engineRecord"];
  /** The SSOT's expectations: the verdict is computed against these, never taken from the probes. */
  expectations: readonly ProbeExpectation[];
  /** The nonce the attester issued to the probe program for this run. */
  nonce: string;
  probes: ProbeResult[];
  files: SandboxFiles;
}

const IMAGE_ID = /^sha256:([0-9a-f]{64})$/;

/** The image subject's sha256: the image id's own digest when it has one, else a digest of the id. */
export function imageDigest(imageId: string): string {
  return IMAGE_ID.exec(imageId)?.[1] ?? sha256Hex(imageId);
}

/**
 * The seccomp subject: the digest of the profile the container ran with, as the engine recorded
 * it ("sha256:<hex>" of its canonical JSON). "unconfined" / "engine-default" get a digest of
 * that word, which no profile file has.
 */
export function seccompSubjectDigest(reportedSeccomp: string): string {
  return /^sha256:[0-9a-f]{64}$/.test(reportedSeccomp) ? reportedSeccomp.slice(7) : sha256Of(reportedSeccomp);
}

/** What a local seccomp profile file's subject digest must be (its canonical JSON's digest). */
export function localSeccompDigest(file: Uint8Array): string {
  return seccompDigest(file) ?? sha256Hex(file);
}

export function sandboxSubjects(imageId: string, files: SandboxFiles, reportedSeccomp: string): StatementSubject[] {
  const subjects: StatementSubject[] = [
    { name: SANDBOX_SUBJECTS.image, digest: { sha256: imageDigest(imageId) } },
    { name: SANDBOX_SUBJECTS.dockerfile, digest: { sha256: sha256Hex(files.dockerfile) } },
    { name: SANDBOX_SUBJECTS.seccompProfile, digest: { sha256: seccompSubjectDigest(reportedSeccomp) } },
    { name: SANDBOX_SUBJECTS.probeBundle, digest: { sha256: sha256Hex(files.probeBundle) } },
  ];
  if (files.syscallHelper !== null) {
    subjects.push({ name: SANDBOX_SUBJECTS.syscallHelper, digest: { sha256: sha256Hex(files.syscallHelper) } });
  }
  return subjects;
}

/**
 * Builds the sandbox attestation Statement (pure). Summary and verdict are recomputed from the
 * probe evidence against the SSOT, so a producer cannot write ATTESTED over a failing probe.
 */
export function buildAttestationStatement(input: AttestationInput): SandboxAttestationStatement {
  const judged = judgeProbes(input.expectations, input.probes, input.nonce);
  return {
    _type: STATEMENT_TYPE_V1,
    subject: sandboxSubjects(input.image.id, input.files, input.engineRecord.reported.seccomp),
    predicateType: SANDBOX_PREDICATE_TYPE,
    predicate: {
      macroId: input.macroId,
      ssotSha256: input.ssotSha256,
      runId: input.runId,
      venue: { id: input.venue.id, class: input.venue.class, facts: input.venue.facts },
      attestedAt: input.attestedAt,
      engine: { kind: input.engine.kind, serverVersion: input.engine.serverVersion },
      image: { ref: input.image.ref, id: input.image.id },
      runFlags: input.runFlags,
      variant: input.variant,
      engineRecord: input.engineRecord,
      nonce: input.nonce,
      probes: input.probes,
      summary: summarize(judged.probes.map((probe) => probe.verdict)),
      verdict: judged.verdict,
    },
  };
}
