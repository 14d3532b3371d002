export { type CaseStatus, type ParsedReport, type ReportFormat, type ReportedCase } from "./reports/types.ts";
export { parseReport, REPORT_MAX_BYTES } from "./reports/parse.ts";
export { judgeTestStep, type StepProblem, type StepProblemCode, type TestStepFacts, type TestStepVerdict } from "./judge-step.ts";
export { digestTree, NOT_INPUTS, type TreeDigest } from "./tree-digest.ts";
export { runStep, sandboxOwnedDir, IN_ARTIFACTS, IN_OUT, IN_WORKSPACE, type Artifact, type StepFailure, type StepOutcome, type StepRequest } from "./run-step.ts";
