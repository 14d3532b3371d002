import type { ParsedReport, ReportedCase } from "./reports/types.ts";

export type StepProblemCode =
  | "REPORT_MISSING"
  | "REPORT_INVALID"
  | "EXIT_DISAGREES"
  | "RUNNER_FAILED"
  | "NO_TESTS"
  | "FILE_NOT_IN_REPORT"
  | "FILE_BROKEN"
  | "CASE_FAILED"
  | "CASE_SKIPPED"
  | "CASE_DUPLICATED"
  | "REPORT_STALE";

export interface StepProblem {
  code: StepProblemCode;
  message: string;
}

export interface TestStepFacts {
  /** The runner's exit code inside the sandbox; null when it was killed. */
  exitCode: number | null;
  /** The report as the step wrote it: parsed, or why it could not be. */
  report: { ok: true; value: ParsedReport } | { ok: false; error: string } | null;
  /** Every test file the step declares, relative to its working directory. */
  declaredFiles: readonly string[];
  /** When the step's container started (ms since the epoch): a report that says it began earlier is not this run's. */
  startedAtMs: number;
}

export interface TestStepVerdict {
  ok: boolean;
  cases: ReportedCase[];
  problems: StepProblem[];
}

/** Clock skew between the engine's clock and the runner's that is still the same run. */
const SKEW_MS = 5_000;

/**
 * A test step passes only when its runner and its report tell the same story: exit 0, a report
 * that parses and claims success, at least one case, every declared test file present, no case
 * failed, skipped or reported twice, and a report that does not predate the container. Each
 * disagreement is named; there is no partial pass.
 */
export function judgeTestStep(facts: TestStepFacts): TestStepVerdict {
  const problems: StepProblem[] = [];
  const say = (code: StepProblemCode, message: string) => problems.push({ code, message });
  if (facts.report === null) {
    say("REPORT_MISSING", `the runner exited ${facts.exitCode ?? "by a signal"} and wrote no report`);
    return { ok: false, cases: [], problems };
  }
  if (!facts.report.ok) {
    say("REPORT_INVALID", facts.report.error);
    return { ok: false, cases: [], problems };
  }
  const report = facts.report.value;
  const failed = report.cases.filter((c) => c.status === "failed");
  const saysFailure = failed.length > 0 || report.brokenFiles.length > 0 || report.claimsSuccess === false;
  if (facts.exitCode === null) say("RUNNER_FAILED", "the runner was killed by a signal");
  else if (facts.exitCode !== 0 && !saysFailure) say("EXIT_DISAGREES", `the runner exited ${facts.exitCode} but its report says every test passed`);
  else if (facts.exitCode === 0 && saysFailure) say("EXIT_DISAGREES", "the runner exited 0 but its report records failures");
  if (report.cases.length === 0) say("NO_TESTS", "the report holds no test at all");
  for (const broken of report.brokenFiles) say("FILE_BROKEN", `${broken.file}: ${broken.message}`);
  const reported = new Set(report.files.map(normalise));
  for (const file of facts.declaredFiles) {
    if (![...reported].some((r) => r === normalise(file) || r.endsWith(`/${normalise(file)}`))) say("FILE_NOT_IN_REPORT", `${file} is declared but the report has no result for it`);
  }
  for (const c of failed) say("CASE_FAILED", c.name);
  for (const c of report.cases.filter((c) => c.status === "skipped")) say("CASE_SKIPPED", c.name);
  const seen = new Set<string>();
  for (const c of report.cases) {
    const key = `${c.file ?? ""}\u0000${c.name}`;
    if (seen.has(key)) say("CASE_DUPLICATED", `${c.name} is reported more than once`);
    seen.add(key);
  }
  if (report.startedAtMs !== null && report.startedAtMs < facts.startedAtMs - SKEW_MS) {
    say("REPORT_STALE", `the report says its run started at ${new Date(report.startedAtMs).toISOString()}, before this step's container (${new Date(facts.startedAtMs).toISOString()})`);
  }
  return { ok: problems.length === 0, cases: report.cases, problems };
}

function normalise(path: string): string {
  return path.replace(/\\/g, "/").replace(/^\.\//, "");
}
