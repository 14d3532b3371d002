import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "@macro/test-utils";
import type { WorkloadStep } from "@macro/ssot";
import { Workload } from "@macro/ssot";
import { engine, noEngine as why, stepRequest, useStepImage } from "./_sandbox-image.ts";
import { runStep, type StepRequest } from "./run-step.ts";

const image = useStepImage("test");
let workspace = "";
let keep = "";

const LIB_TEST = `const test = require("node:test");
const assert = require("node:assert");
const add = require("/artifacts/build-lib/lib.js");
test("[#01] adds", () => assert.strictEqual(add(1, 2), 3));
test("[#02] adds negatives", () => assert.strictEqual(add(-1, -2), -3));
`;

// The project's own runner: node:test's run() with its TAP reporter, the report written in one
// write(2) — the deny-by-default profile does not allow writev, which a WriteStream would use.
const RUNNER = `const { run } = require("node:test");
const { tap } = require("node:test/reporters");
const fs = require("node:fs");
const chunks = [];
let failed = false;
const stream = run({ files: process.argv.slice(2) });
stream.on("test:fail", () => { failed = true; });
stream.compose(tap).on("data", (c) => chunks.push(String(c))).on("end", () => {
  // One file, so its tests go under a top-level subtest named by its path: the report names the file it ran.
  const inner = chunks.join("").split("\\n").filter((l) => l !== "" && !l.startsWith("TAP version"));
  const file = process.argv[2];
  const body = ["TAP version 13", "# Subtest: " + file, ...inner.map((l) => "    " + l), (failed ? "not ok" : "ok") + " 1 - " + file, "1..1", ""];
  fs.writeFileSync("/out/report.tap", body.join("\\n"));
  process.exitCode = failed ? 1 : 0;
});
`;

function steps(build: Partial<WorkloadStep> = {}, test: Partial<WorkloadStep> = {}): [WorkloadStep, WorkloadStep] {
  const parsed = Workload.parse({
    steps: [
      { id: "build-lib", kind: "build", argv: ["-e", "require('fs').writeFileSync('/out/lib.js', require('fs').readFileSync('src/lib.js'))"], artifacts: ["lib.js"], ...build },
      { id: "test-lib", kind: "test", argv: ["test/run.js", "test/lib.test.js"], uses: ["build-lib"], report: { path: "report.tap", format: "tap" }, testFiles: ["test/lib.test.js"], ...test },
    ],
  });
  return [parsed.steps[0] as WorkloadStep, parsed.steps[1] as WorkloadStep];
}

function request(step: WorkloadStep, uses: StepRequest["uses"] = []): StepRequest {
  return stepRequest(image(), step, workspace, keep, uses);
}

beforeAll(async () => {
  workspace = await tempDir("macro-workload-ws-");
  keep = await tempDir("macro-workload-keep-");
  await mkdir(join(workspace, "src"));
  await mkdir(join(workspace, "test"));
  await writeFile(join(workspace, "src/lib.js"), "module.exports = (a, b) => a + b;\n");
  await writeFile(join(workspace, "test/lib.test.js"), LIB_TEST);
  await writeFile(join(workspace, "test/run.js"), RUNNER);
  // mkdtemp makes 0700; a checkout is readable by others, and the sandbox user is "others".
  await chmod(workspace, 0o755);
});

describe.skipIf(engine === null)(`runStep in a real deny-by-default container${why === "" ? "" : ` (skipped: ${why})`}`, () => {
  async function buildThenTest(build: Partial<WorkloadStep> = {}, test: Partial<WorkloadStep> = {}) {
    const [b, t] = steps(build, test);
    const built = await runStep(request(b));
    if (!built.ok) throw new Error(built.error.message);
    const tested = await runStep(request(t, [{ stepId: "build-lib", artifacts: built.value.artifacts }]));
    if (!tested.ok) throw new Error(tested.error.message);
    return { built: built.value, tested: tested.value };
  }

  it("builds in one container and tests the built artifact in another; inputs and artifacts by digest", async () => {
    const { built, tested } = await buildThenTest();
    expect(built.problems).toEqual([]);
    expect(built.artifacts.map((a) => a.name)).toEqual(["lib.js"]);
    expect(await readFile(built.artifacts[0]?.hostPath ?? "", "utf8")).toContain("a + b");
    expect(built.inputs[0]?.digest.files).toBe(3);
    expect(tested.problems).toEqual([]);
    expect(tested.test?.ok).toBe(true);
    expect(tested.test?.cases.map((c) => c.name)).toEqual(["test/lib.test.js › [#01] adds", "test/lib.test.js › [#02] adds negatives"]);
    expect(tested.problems).toEqual([]);
  }, 60_000);

  it("a defect built into the artifact fails the test step, whatever the source says now", async () => {
    const { tested } = await buildThenTest({ argv: ["-e", "require('fs').writeFileSync('/out/lib.js', 'module.exports = (a, b) => a - b;')"] });
    expect(tested.test?.ok).toBe(false);
    expect(tested.problems.some((p) => p.startsWith("CASE_FAILED"))).toBe(true);
  }, 60_000);

  it("a runner that writes a passing report and exits 1 fails the step (EXIT_DISAGREES)", async () => {
    const tap = "TAP version 13\\n1..1\\nok 1 - [#01] adds\\n";
    const { tested } = await buildThenTest({}, { argv: ["-e", `require('fs').writeFileSync('/out/report.tap', '${tap}'); process.exit(1)`] });
    expect(tested.problems.some((p) => p.startsWith("EXIT_DISAGREES"))).toBe(true);
  }, 60_000);

  it("the step cannot write its workspace: inputs are read-only", async () => {
    const [b] = steps({ argv: ["-e", "require('fs').writeFileSync('src/lib.js', 'x')"] });
    const built = await runStep(request(b));
    expect(built.ok && built.value.problems).toContain("the build exited 1");
    expect(await readFile(join(workspace, "src/lib.js"), "utf8")).toContain("a + b");
  }, 60_000);

  it("an artifact that is not a regular file is not taken", async () => {
    const [b] = steps({ argv: ["-e", "require('fs').mkdirSync('/out/lib.js')"] });
    const built = await runStep(request(b));
    expect(built.ok && built.value.problems).toEqual(["artifact lib.js: not a regular file"]);
    expect(built.ok && built.value.artifacts).toEqual([]);
  }, 60_000);
});
