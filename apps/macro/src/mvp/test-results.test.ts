import { describe, expect, it } from "vitest";
import { parseVitestJson, testResultStatement, TestResultStatement } from "./test-results.ts";

const report = (results: { fullName: string; status: string }[], fileStatus = "passed") =>
  JSON.stringify({ testResults: [{ name: "/x/a.test.ts", status: fileStatus, assertionResults: results }] });

describe("parseVitestJson", () => {
  it("keeps passes and failures, and counts skipped, pending and todo as skipped", () => {
    const parsed = parseVitestJson(report([
      { fullName: "a [#01]", status: "passed" },
      { fullName: "b [#02]", status: "failed" },
      { fullName: "c", status: "skipped" },
      { fullName: "d", status: "pending" },
      { fullName: "e", status: "todo" },
    ]), "suite");
    expect(parsed.ok && parsed.value.map((c) => c.status)).toEqual(["passed", "failed", "skipped", "skipped", "skipped"]);
  });
  it("a file that failed to load is a failure, not an empty pass", () => {
    const parsed = parseVitestJson(report([], "failed"), "suite");
    expect(parsed.ok && parsed.value).toEqual([expect.objectContaining({ status: "failed" })]);
  });
  it("refuses what is not a vitest report", () => {
    expect(parseVitestJson("not json", "s").ok).toBe(false);
    expect(parseVitestJson('{"tests": []}', "s").ok).toBe(false);
  });
});

describe("testResultStatement", () => {
  const subject = { name: "tki-inspector.js", sha256: "a".repeat(64) };
  it("is PASSED only when something passed and nothing failed or was skipped", () => {
    expect(testResultStatement(subject, "s", [{ name: "x", status: "passed" }]).predicate.result).toBe("PASSED");
    expect(testResultStatement(subject, "s", [{ name: "x", status: "passed" }, { name: "y", status: "skipped" }]).predicate.result).toBe("WARNED");
    expect(testResultStatement(subject, "s", [{ name: "x", status: "failed" }]).predicate.result).toBe("FAILED");
    expect(testResultStatement(subject, "s", []).predicate.result).toBe("FAILED");
  });
  it("has the in-toto test-result v0.1 shape", () => {
    expect(TestResultStatement.safeParse(testResultStatement(subject, "s", [{ name: "x", status: "passed" }])).success).toBe(true);
  });
});
