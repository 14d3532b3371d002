export { reasonOf, type Reason } from "./reason.ts";
export { sha256Hex } from "./hash.ts";
export { judgeProbes, summarize, type JudgedProbe, type ProbeJudgement } from "./judge.ts";
export {
  pae,
  keyIdOf,
  generateKeyPair,
  signEnvelope,
  signEnvelopeWith,
  publicKeyOf,
  spkiBase64,
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
export { openEvidence, type OpenedEvidence, type Signer } from "./authenticate.ts";
export { checkSubjectShape, checkVenueFacts, checkOrigin, type BundleOrigin } from "./bundle-binding.ts";
export { attestationBundleName, checkBundleName } from "./bundle-name.ts";
export { EVIDENCE_LIMITS, parseEvidenceJson, readEvidenceFile, type UnreadableEvidence } from "./evidence-json.ts";
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
export { testResultRowEvidence, TEST_RESULT_PREDICATE } from "./test-rows.ts";
export {
  runCases,
  verifierCases,
  bundleCases,
  binderCases,
  VERIFIER_TARGETS,
  KIT_TRUSTED,
  KIT_STRANGER,
  KIT_NOW,
  KIT_FILES,
  passingResult,
  engineViewFor,
  KIT_NONCE,
  type CaseOutcome,
  type CaseResult,
  type ConformanceCase,
  type ConformanceTargets,
  type BundleCase,
} from "./conformance/index.ts";
