export type { Reason } from "./reason.ts";
export { sha256Hex } from "./hash.ts";
export { judgeProbes, summarize, type JudgedProbe, type ProbeJudgement } from "./judge.ts";
export {
  pae,
  keyIdOf,
  generateKeyPair,
  signEnvelope,
  verifyEnvelope,
  decodeBase64,
  type GeneratedKeyPair,
  type VerifiedPayload,
} from "./dsse.ts";
export {
  buildAttestationStatement,
  sandboxSubjects,
  imageDigest,
  type AttestationInput,
  type SandboxFiles,
} from "./statement.ts";
export { FUTURE_SKEW_MS } from "./checks.ts";
export { verifyAttestationBundle, type BundleContext, type BundleVerdict } from "./bundle.ts";
export {
  bindRows,
  bindingIsGreen,
  orphanEvidence,
  BINDING_STATUSES,
  type BindingStatus,
  type MatrixRowRef,
  type EvidenceStatus,
  type RowEvidence,
  type RowBinding,
} from "./bind.ts";
export { attestationRowEvidence } from "./attest-rows.ts";
export { evidenceLines, checkEvidenceLines, type EvidenceLine } from "./evidence-lines.ts";
