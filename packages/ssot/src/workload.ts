import * as z from "./zod.ts";

/** The report formats a test step may declare; the workload package parses each with a kept library. */
export const ReportFormat = z.enum(["vitest-json", "junit-xml", "tap"]);
export type ReportFormat = z.infer<typeof ReportFormat>;

/**
 * A path inside the workspace, relative to the SSOT: the steps see the workspace read-only at a
 * fixed place in the container, so an absolute path or a way out (`..`) would name the host.
 */
const WorkspacePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith("/") && !p.split(/[\\/]/).includes("..") && !p.includes("\0"), "a workspace path is relative and stays inside the workspace (no leading /, no ..)");

const StepId = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "step ids are lower-case words joined by -, e.g. build-inspector");

/** An environment key a step may set; values are visible to the step only, and never secrets. */
const EnvKey = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "environment keys are upper-case, e.g. NODE_ENV");

export const WorkloadStep = z.strictObject({
  id: StepId,
  kind: z.enum(["build", "test"]),
  /** The command as argv: no shell, so nothing in it is interpreted on the way in. */
  argv: z.array(z.string().min(1)).min(1),
  /** Where the command starts, inside the workspace. */
  workdir: WorkspacePath.default("."),
  /** What the step reads, mounted read-only; the whole workspace unless narrowed. */
  inputs: z.array(WorkspacePath).min(1).default(["."]),
  /** Earlier build steps whose artifacts this step gets, read-only and by digest. */
  uses: z.array(StepId).default([]),
  /** Files the step writes into its one writable mount, each recorded by digest. */
  artifacts: z.array(WorkspacePath).default([]),
  /** For test steps: the report the runner writes into the writable mount, and its format. */
  report: z.strictObject({ path: WorkspacePath, format: ReportFormat }).optional(),
  /** For test steps: every test file the suite declares; each must appear in the report. */
  testFiles: z.array(WorkspacePath).default([]),
  env: z.record(EnvKey, z.string()).default({}),
  timeoutSeconds: z.number().int().min(1).max(3600).default(600),
});
export type WorkloadStep = z.infer<typeof WorkloadStep>;

/**
 * The build and test tracks as the SSOT declares them: any project can be gated without a
 * change to macro. Steps run in order, each in a fresh attested container.
 */
export const Workload = z
  .strictObject({
    steps: z.array(WorkloadStep).min(2, "a workload builds something and tests it: at least one build and one test step"),
  })
  .superRefine((workload, ctx) => {
    const seen = new Map<string, WorkloadStep["kind"]>();
    workload.steps.forEach((step, i) => {
      const at = (...path: (string | number)[]) => ["steps", i, ...path];
      if (seen.has(step.id)) ctx.addIssue({ code: "custom", path: at("id"), message: `step id ${step.id} is used twice` });
      step.uses.forEach((used, j) => {
        const kind = seen.get(used);
        if (kind !== "build") ctx.addIssue({ code: "custom", path: at("uses", j), message: `${used} is not an earlier build step` });
      });
      if (step.kind === "build" && step.artifacts.length === 0) ctx.addIssue({ code: "custom", path: at("artifacts"), message: "a build step must name the artifacts it produces" });
      if (step.kind === "test") {
        if (step.report === undefined) ctx.addIssue({ code: "custom", path: at("report"), message: "a test step must name the report its runner writes" });
        if (step.testFiles.length === 0) ctx.addIssue({ code: "custom", path: at("testFiles"), message: "a test step must declare its test files" });
        if (step.uses.length === 0) ctx.addIssue({ code: "custom", path: at("uses"), message: "a test step tests what a build step produced: name it in uses" });
      }
      seen.set(step.id, step.kind);
    });
    if (![...seen.values()].includes("build")) ctx.addIssue({ code: "custom", path: ["steps"], message: "no build step" });
    if (![...seen.values()].includes("test")) ctx.addIssue({ code: "custom", path: ["steps"], message: "no test step" });
  });
export type Workload = z.infer<typeof Workload>;
