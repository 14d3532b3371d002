import * as z from "zod";
import { err, ok, type Result } from "@macro/ssot";

export type TestStatus = "passed" | "failed" | "skipped";
export interface TestCase {
  name: string;
  status: TestStatus;
}

/** The part of vitest's JSON reporter output we rely on. */
const VitestJson = z.object({
  testResults: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      message: z.string().optional(),
      assertionResults: z.array(z.object({ fullName: z.string(), status: z.string() })),
    }),
  ),
});

/**
 * Anything that is not a pass or a failure — skipped, pending, todo — counts as skipped, and
 * skipped never proves anything. A test file that failed to load is a failure of its own.
 */
export function parseVitestJson(text: string, suite: string): Result<TestCase[], string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return err(`${suite}: the test report is not JSON`);
  }
  const parsed = VitestJson.safeParse(json);
  if (!parsed.success) return err(`${suite}: the test report does not have vitest's shape`);
  const cases: TestCase[] = [];
  for (const file of parsed.data.testResults) {
    if (file.assertionResults.length === 0 && file.status === "failed") {
      cases.push({ name: `${suite}: ${file.name} (failed to load: ${file.message ?? "no message"})`, status: "failed" });
    }
    for (const a of file.assertionResults) {
      const status: TestStatus = a.status === "passed" ? "passed" : a.status === "failed" ? "failed" : "skipped";
      cases.push({ name: `${suite} › ${a.fullName}`, status });
    }
  }
  return ok(cases);
}

export const TEST_RESULT_PREDICATE = "https://in-toto.io/attestation/test-result/v0.1";

/** An in-toto test-result v0.1 Statement; its subject is the artifact the tests ran against. */
export function testResultStatement(subject: { name: string; sha256: string }, suite: string, cases: TestCase[]) {
  const names = (status: TestStatus) => cases.filter((c) => c.status === status).map((c) => c.name);
  const failed = names("failed");
  const skipped = names("skipped");
  return {
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: subject.name, digest: { sha256: subject.sha256 } }],
    predicateType: TEST_RESULT_PREDICATE,
    predicate: {
      result: failed.length > 0 || cases.length === 0 ? "FAILED" : skipped.length > 0 ? "WARNED" : "PASSED",
      configuration: [{ name: suite }],
      passedTests: names("passed"),
      warnedTests: skipped,
      failedTests: failed,
    },
  };
}

export const TestResultStatement = z.object({
  _type: z.literal("https://in-toto.io/Statement/v1"),
  subject: z.array(z.object({ name: z.string(), digest: z.object({ sha256: z.string() }) })).min(1),
  predicateType: z.literal(TEST_RESULT_PREDICATE),
  predicate: z.object({
    result: z.enum(["PASSED", "WARNED", "FAILED"]),
    configuration: z.array(z.object({ name: z.string() })),
    passedTests: z.array(z.string()),
    warnedTests: z.array(z.string()),
    failedTests: z.array(z.string()),
  }),
});
export type TestResultStatement = z.infer<typeof TestResultStatement>;
