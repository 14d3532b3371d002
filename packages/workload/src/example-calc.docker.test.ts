import { cp, readFile, writeFile, chmod } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "@macro/test-utils";
import { Workload, type WorkloadStep } from "@macro/ssot";
import { engine, noEngine as why, stepRequest, useStepImage } from "./_sandbox-image.ts";
import { runStep, type Artifact, type StepOutcome } from "./run-step.ts";

// examples/calc, the foreign workload, run step by step in real deny-by-default containers: its
// build, its JUnit suite and its TAP suite, each testing the built calc.js.
const EXAMPLE = join(dirname(fileURLToPath(import.meta.url)), "../../../examples/calc");
const image = useStepImage("calc");
let scratch = "";

const WORKLOAD = Workload.parse({
  steps: [
    { id: "build-calc", kind: "build", argv: ["scripts/build.mjs", "/out"], inputs: ["src", "scripts"], artifacts: ["calc.js"] },
    { id: "test-junit", kind: "test", argv: ["scripts/run-junit.mjs", "/out/junit.xml"], inputs: ["scripts", "test"], uses: ["build-calc"], report: { path: "junit.xml", format: "junit-xml" }, testFiles: ["test/junit/add.test.js", "test/junit/divide.test.js"] },
    { id: "test-tap", kind: "test", argv: ["scripts/run-tap.mjs", "/out/report.tap"], inputs: ["scripts", "test"], uses: ["build-calc"], report: { path: "report.tap", format: "tap" }, testFiles: ["test/tap/evaluate.t.js"] },
  ],
});

async function runAll(workspace: string): Promise<StepOutcome[]> {
  if (engine === null) throw new Error(why);
  const artifacts = new Map<string, Artifact[]>();
  const outcomes: StepOutcome[] = [];
  for (const step of WORKLOAD.steps as WorkloadStep[]) {
    const uses = step.uses.map((id) => ({ stepId: id, artifacts: artifacts.get(id) ?? [] }));
    const r = await runStep(stepRequest(image(), step, workspace, join(scratch, "keep", randomBytes(4).toString("hex")), uses));
    if (!r.ok) throw new Error(r.error.message);
    artifacts.set(step.id, r.value.artifacts);
    outcomes.push(r.value);
  }
  return outcomes;
}

async function copyOfExample(): Promise<string> {
  const ws = join(scratch, randomBytes(4).toString("hex"));
  await cp(EXAMPLE, ws, { recursive: true });
  await chmod(ws, 0o755);
  return ws;
}

beforeAll(async () => {
  scratch = await tempDir("macro-workload-calc-");
  await chmod(scratch, 0o755);
});

describe.skipIf(engine === null)(`examples/calc in the sandbox${why === "" ? "" : ` (skipped: ${why})`}`, () => {
  it("builds, and both of its runners pass every tagged test against the built file", async () => {
    const [build, junit, tap] = await runAll(await copyOfExample());
    expect(build?.problems).toEqual([]);
    expect(junit?.problems).toEqual([]);
    expect(tap?.problems).toEqual([]);
    const names = [...(junit?.test?.cases ?? []), ...(tap?.test?.cases ?? [])].map((c) => c.name);
    for (const tag of ["[#01]", "[#02]", "[#03]", "[#04]", "[#05]", "[#06]"]) expect(names.some((n) => n.includes(tag))).toBe(true);
  }, 90_000);

  it("a broken test fails its step, naming the case", async () => {
    const ws = await copyOfExample();
    const file = join(ws, "test/junit/divide.test.js");
    await writeFile(file, (await readFile(file, "utf8")).replace("divide(6, 3), 2", "divide(6, 3), 3"));
    const [, junit] = await runAll(ws);
    expect(junit?.problems.some((p) => p.startsWith("CASE_FAILED") && p.includes("[#03]"))).toBe(true);
  }, 90_000);

  it("a test marked skipped fails its step, naming the case", async () => {
    const ws = await copyOfExample();
    const file = join(ws, "test/tap/evaluate.t.js");
    await writeFile(file, (await readFile(file, "utf8")).replace("evaluate reads a sum\"", "evaluate reads a sum # SKIP later\""));
    const [, , tap] = await runAll(ws);
    expect(tap?.problems.some((p) => p.startsWith("CASE_SKIPPED") && p.includes("[#05]"))).toBe(true);
  }, 90_000);
});
