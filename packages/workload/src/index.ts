export { type CaseStatus, type ParsedReport, type ReportFormat, type ReportedCase } from "./reports/types.ts";
export { parseReport, REPORT_MAX_BYTES } from "./reports/parse.ts";
export { judgeTestStep, type StepProblem, type StepProblemCode, type TestStepFacts, type TestStepVerdict } from "./judge-step.ts";
