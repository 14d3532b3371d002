import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDirSync } from "@macro/test-utils";
import { z } from "zod";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { readYamlFile } from "@macro/ssot";
import { repoRoot } from "../e2e/harness.ts";

const workflowPath = join(repoRoot, ".github/workflows/macro.yml");
const original = readFileSync(workflowPath, "utf8");

// The contract reads the file as data; GitHub's parser above is what says it is a valid workflow.
const Step = z.object({
  uses: z.string().optional(),
  run: z.string().optional(),
  if: z.string().optional(),
  shell: z.string().optional(),
  with: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
});
type StepView = z.infer<typeof Step>;
const Workflow = z.object({ jobs: z.record(z.string(), z.object({ steps: z.array(Step) })) });

const scratch = tempDirSync("macro-workflow-");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** GitHub's own parser for the schema and expressions; then the steps, read as data. */
async function parse(content: string): Promise<{ errors: string[]; steps: StepView[] }> {
  const result = parseWorkflow({ name: "macro.yml", content }, new NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || result.value === undefined) return { errors: errors.length > 0 ? errors : ["no workflow"], steps: [] };
  const template = await convertWorkflowTemplate(result.context, result.value);
  errors.push(...(template.errors ?? []).map((e) => e.Message), ...result.context.errors.getErrors().map((e) => e.message));
  if (errors.length > 0) return { errors, steps: [] };
  const file = join(scratch, "macro.yml");
  writeFileSync(file, content);
  const yaml = await readYamlFile(file, "macro.yml", { maxBytes: 1_000_000, maxAliases: 0 });
  if (!yaml.ok) return { errors: [yaml.error.message], steps: [] };
  // GitHub's parser lets a job without steps through; as data it is refused here.
  const workflow = Workflow.safeParse(yaml.value.data);
  if (!workflow.success) return { errors: workflow.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`), steps: [] };
  const jobs = Object.values(workflow.data.jobs);
  if (jobs.length !== 1) return { errors: [`expected one job, found ${jobs.length}`], steps: [] };
  return { errors, steps: jobs[0]?.steps ?? [] };
}

/** What the copyable workflow must do, beyond being valid: the brief's contract, checked. */
function contract(steps: StepView[]): string[] {
  const problems: string[] = [];
  const rootPackage = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { packageManager: string };
  const pnpm = steps.find((s) => s.uses?.startsWith("pnpm/action-setup@") === true);
  if (pnpm?.with?.version === undefined || `pnpm@${pnpm.with.version}` !== rootPackage.packageManager) problems.push(`pnpm version is not the root's ${rootPackage.packageManager}`);
  const index = (pred: (s: StepView) => boolean) => steps.findIndex(pred);
  const engine = index((s) => s.run?.includes("scripts/ci/start-docker.sh") === true);
  const install = index((s) => s.run?.trim() === "pnpm install --frozen-lockfile");
  const run = index((s) => /\bpnpm (--silent )?macro run\b/.test(s.run ?? ""));
  if (engine < 0) problems.push("no engine started (scripts/ci/start-docker.sh)");
  if (install < 0) problems.push("no `pnpm install --frozen-lockfile`");
  if (run < 0) problems.push("no `pnpm macro run`");
  if (!(engine < run && install < run)) problems.push("the engine and the install must come before the run");
  const runStep = steps[run];
  if (runStep !== undefined) {
    if (runStep.env?.CI !== "true") problems.push("the run does not set CI=true");
    // A pipe must not swallow macro's exit code: bash with pipefail, which `shell: bash` is on Actions.
    if (runStep.run?.includes("|") === true && runStep.shell !== "bash") problems.push("the run pipes its output without `shell: bash` (pipefail)");
  }
  const upload = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@") === true);
  if (upload === undefined) problems.push("no artifact upload");
  else {
    if (upload.if !== "always()") problems.push(`the upload runs only on ${upload.if ?? "success"}, not always()`);
    const paths = (upload.with?.path ?? "").split("\n").map((p) => p.trim());
    for (const dir of ["reports/", "checkpoints/"]) if (!paths.includes(dir)) problems.push(`the upload leaves out ${dir}`);
  }
  const summary = steps.find((s) => s.run?.includes("scripts/ci/step-summary.mjs") === true);
  if (summary?.if !== "always()") problems.push("no summary step that runs always()");
  return problems;
}

describe(".github/workflows/macro.yml", () => {
  it("is a valid workflow to GitHub's own parser", async () => {
    const { errors, steps } = await parse(original);
    expect(errors).toEqual([]);
    expect(steps.length).toBeGreaterThan(5);
  });

  it("installs pnpm as the root pins it, starts an engine, installs frozen, runs with CI=true, summarises and uploads reports/ and checkpoints/ on every outcome", async () => {
    expect(contract((await parse(original)).steps)).toEqual([]);
  });

  // Each mutation breaks the file in one way; the test fails closed on every one.
  const invalid: [string, (s: string) => string][] = [
    ["a misspelt job key", (s) => s.replace("runs-on:", "runs-onn:")],
    ["a step with both uses and run", (s) => s.replace("- uses: actions/checkout@v4", "- uses: actions/checkout@v4\n        run: echo both")],
    ["a broken expression", (s) => s.replace("if: always()", "if: ${{ always( }}")],
    ["an unknown trigger", (s) => s.replace("workflow_dispatch:", "workflow_dispatchh:")],
    ["YAML that does not parse", (s) => s.replace("steps:", "steps: [")],
    ["a job without steps", (s) => s.slice(0, s.indexOf("    steps:"))],
  ];
  for (const [name, mutate] of invalid) {
    it(`refuses a copy with ${name}`, async () => {
      const mutated = mutate(original);
      expect(mutated).not.toBe(original);
      expect((await parse(mutated)).errors.length, name).toBeGreaterThan(0);
    });
  }

  const weakened: [string, (s: string) => string, RegExp][] = [
    ["the upload only on success", (s) => s.replace(/(\n\s+)if: always\(\)(\n\s+uses: actions\/upload-artifact)/, "$2"), /upload runs only on success/],
    ["checkpoints/ not uploaded", (s) => s.replace(/\n\s+checkpoints\/\n/, "\n"), /leaves out checkpoints/],
    ["another pnpm", (s) => s.replace("version: 10.34.9", "version: 9.0.0"), /pnpm version/],
    ["no frozen lockfile", (s) => s.replace("pnpm install --frozen-lockfile", "pnpm install"), /frozen-lockfile/],
    ["no engine", (s) => s.replace("run: bash scripts/ci/start-docker.sh", "run: echo no engine"), /no engine/],
    ["a pipe without pipefail", (s) => s.replace(/(id: macro\n\s+)shell: bash\n\s+/, "$1"), /pipefail/],
  ];
  for (const [name, mutate, why] of weakened) {
    it(`refuses a valid copy with ${name}`, async () => {
      const mutated = mutate(original);
      expect(mutated).not.toBe(original);
      const { errors, steps } = await parse(mutated);
      expect(errors).toEqual([]);
      expect(contract(steps).join("; ")).toMatch(why);
    });
  }
});

describe("scripts/ci/step-summary.mjs", () => {
  const dir = tempDirSync("macro-summary-");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const summarise = (json: string | null) => {
    const file = join(dir, "run.json");
    const target = join(dir, "summary.md");
    rmSync(target, { force: true });
    if (json === null) rmSync(file, { force: true });
    else writeFileSync(file, json);
    const r = spawnSync(process.execPath, [join(repoRoot, "scripts/ci/step-summary.mjs"), file, "macro-7-1"], { encoding: "utf8", env: { PATH: process.env.PATH ?? "", GITHUB_STEP_SUMMARY: target } });
    expect(r.status, r.stderr).toBe(0);
    return readFileSync(target, "utf8");
  };

  it("appends the outcome and where the evidence is, for a blocked run", () => {
    const md = summarise(JSON.stringify({ runId: "r1", status: "blocked", blocker: { id: "B4′", track: "venue" }, packet: { markdown: "checkpoints/b.md", json: "reports/b.json", operator: "checkpoints/op.md" }, record: "reports/run-record-r1.json", log: "reports/logs/x|y.ndjson", error: null }));
    expect(md).toContain("## macro run — BLOCKED at venue by B4′");
    expect(md).toContain("| packet | `checkpoints/b.md` |");
    expect(md).toContain("| operator runbook | `checkpoints/op.md` |");
    expect(md).toContain("`reports/logs/x\\|y.ndjson`");
    expect(md).toContain("artifact `macro-7-1`");
  });

  it("says there is no result when the run printed none, rather than nothing", () => {
    expect(summarise(null)).toContain("## macro run — no result");
    expect(summarise("{ not json")).toContain("no result");
    expect(summarise(JSON.stringify({ status: 3 }))).toContain("no result");
  });
});
