import { describe, expect, it } from "vitest";
import { judgeTestStep, type TestStepFacts } from "./judge-step.ts";
import type { ParsedReport } from "./reports/types.ts";

const START = Date.parse("2026-12-07T10:00:00Z");

function report(over: Partial<ParsedReport> = {}): ParsedReport {
  return {
    format: "vitest-json",
    cases: [{ name: "[#01] works", file: "/w/src/a.test.ts", status: "passed" }],
    files: ["/w/src/a.test.ts"],
    brokenFiles: [],
    claimsSuccess: true,
    startedAtMs: START + 1000,
    ...over,
  };
}

function facts(over: Partial<TestStepFacts> = {}): TestStepFacts {
  return { exitCode: 0, report: { ok: true, value: report() }, declaredFiles: ["src/a.test.ts"], startedAtMs: START, ...over };
}

const codes = (f: TestStepFacts) => judgeTestStep(f).problems.map((p) => p.code);

describe("judgeTestStep: runner and report must agree", () => {
  it("passes an honest green step", () => {
    expect(judgeTestStep(facts())).toMatchObject({ ok: true, problems: [] });
  });

  it("a runner that exits 1 while its report says success fails (EXIT_DISAGREES)", () => {
    expect(codes(facts({ exitCode: 1 }))).toEqual(["EXIT_DISAGREES"]);
  });

  it("a runner that exits 0 while its report records a failure fails", () => {
    const failing = report({ cases: [{ name: "[#01] works", file: "/w/src/a.test.ts", status: "failed" }], claimsSuccess: false });
    expect(codes(facts({ report: { ok: true, value: failing } }))).toEqual(["EXIT_DISAGREES", "CASE_FAILED"]);
  });

  it("a report that claims failure though every case passed still fails on exit 0", () => {
    expect(codes(facts({ report: { ok: true, value: report({ claimsSuccess: false }) } }))).toEqual(["EXIT_DISAGREES"]);
  });

  it("zero tests is a failure, even with exit 0 and success claimed", () => {
    expect(codes(facts({ declaredFiles: [], report: { ok: true, value: report({ cases: [], files: [] }) } }))).toEqual(["NO_TESTS"]);
  });

  it("a declared test file absent from the report fails (a config that runs fewer files)", () => {
    expect(codes(facts({ declaredFiles: ["src/a.test.ts", "src/b.test.ts"] }))).toEqual(["FILE_NOT_IN_REPORT"]);
  });

  it("a file whose path only shares a suffix is not the declared file", () => {
    expect(codes(facts({ declaredFiles: ["a.test.ts"], report: { ok: true, value: report({ files: ["/w/src/extra-a.test.ts"] }) } }))).toEqual(["FILE_NOT_IN_REPORT"]);
  });

  it("a skipped case fails the step: skipped proves nothing", () => {
    const skipped = report({ cases: [...report().cases, { name: "[#02] later", file: "/w/src/a.test.ts", status: "skipped" }] });
    expect(codes(facts({ report: { ok: true, value: skipped } }))).toEqual(["CASE_SKIPPED"]);
  });

  it("the same case twice fails: a passing duplicate cannot hide a failing one", () => {
    const twice = report({ cases: [...report().cases, ...report().cases] });
    expect(codes(facts({ report: { ok: true, value: twice } }))).toEqual(["CASE_DUPLICATED"]);
  });

  it("a report older than the container is not this run's (an old report copied into place)", () => {
    expect(codes(facts({ report: { ok: true, value: report({ startedAtMs: START - 3_600_000 }) } }))).toEqual(["REPORT_STALE"]);
  });

  it("no report, an unreadable report and a killed runner each fail with their reason", () => {
    expect(codes(facts({ report: null }))).toEqual(["REPORT_MISSING"]);
    expect(codes(facts({ report: { ok: false, error: "not JSON" } }))).toEqual(["REPORT_INVALID"]);
    expect(codes(facts({ exitCode: null }))).toEqual(["RUNNER_FAILED"]);
  });

  it("a file that failed to load fails the step even when every case passed", () => {
    const broken = report({ brokenFiles: [{ file: "/w/src/c.test.ts", message: "SyntaxError" }], claimsSuccess: false });
    expect(codes(facts({ exitCode: 1, report: { ok: true, value: broken } }))).toEqual(["FILE_BROKEN"]);
  });
});
