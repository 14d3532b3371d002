import { describe, expect, it } from "vitest";
import { Workload } from "./workload.ts";

const build = { id: "build-lib", kind: "build", argv: ["node", "build.mjs"], artifacts: ["dist/lib.js"] };
const test = { id: "test-lib", kind: "test", argv: ["node", "--test"], uses: ["build-lib"], report: { path: "report.xml", format: "junit-xml" }, testFiles: ["test/lib.test.js"] };

function problems(steps: unknown[]): string[] {
  const parsed = Workload.safeParse({ steps });
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("Workload: the steps an SSOT declares", () => {
  it("accepts a build and a test of what it built, with defaults filled in", () => {
    const parsed = Workload.parse({ steps: [build, test] });
    expect(parsed.steps[0]).toMatchObject({ workdir: ".", inputs: ["."], timeoutSeconds: 600, env: {} });
  });

  it.each([
    ["an absolute input", { ...build, inputs: ["/etc"] }, "steps.0.inputs.0"],
    ["an input that climbs out", { ...build, inputs: ["../secrets"] }, "steps.0.inputs.0"],
    ["a workdir that climbs out", { ...build, workdir: "a/../../b" }, "steps.0.workdir"],
    ["an artifact outside", { ...build, artifacts: ["/out/x"] }, "steps.0.artifacts.0"],
    ["a build with no artifacts", { ...build, artifacts: [] }, "steps.0.artifacts"],
    ["an empty argv", { ...build, argv: [] }, "steps.0.argv"],
    ["a lower-case env key", { ...build, env: { path: "/x" } }, "steps.0.env.path"],
  ])("refuses %s, naming the field", (_, step, path) => {
    expect(problems([step, test]).some((p) => p.startsWith(path))).toBe(true);
  });

  it("refuses a test step without report, declared files or a build it tests", () => {
    const bare = { id: "t", kind: "test", argv: ["x"] };
    expect(problems([build, bare])).toEqual([
      "steps.1.report: a test step must name the report its runner writes",
      "steps.1.testFiles: a test step must declare its test files",
      "steps.1.uses: a test step tests what a build step produced: name it in uses",
    ]);
  });

  it("refuses a duplicate id, a use of a later or unknown step, and a workload with no test", () => {
    expect(problems([build, { ...build }])).toContain("steps.1.id: step id build-lib is used twice");
    expect(problems([test, build])).toContain("steps.0.uses.0: build-lib is not an earlier build step");
    expect(problems([build, { ...build, id: "b2" }])).toContain("steps: no test step");
  });

  it("refuses an unknown report format and an unknown key", () => {
    expect(problems([build, { ...test, report: { path: "r", format: "html" } }])).not.toEqual([]);
    expect(problems([{ ...build, shell: "sh -c" }, test])).not.toEqual([]);
  });
});
