import { chmod, chown, copyFile, lstat, mkdir, mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import type { RunFlags, WorkloadStep } from "@macro/ssot";
import { runInSandbox, type ContainerEngine, type SandboxMount, type SideEffectRecorder } from "@macro/sandbox";
import { digestFile } from "@macro/report";
import { judgeTestStep, type TestStepVerdict } from "./judge-step.ts";
import { parseReport } from "./reports/parse.ts";
import { digestTree, type TreeDigest } from "./tree-digest.ts";

/** Where a step sees things inside its container. */
export const IN_WORKSPACE = "/work";
export const IN_OUT = "/out";
export const IN_ARTIFACTS = "/artifacts";

/** An artifact or report bigger than this is not taken out of the sandbox. */
const TAKE_MAX_BYTES = 256 * 1024 * 1024;

export interface Artifact {
  /** The name the build step declared, relative to its /out. */
  name: string;
  sha256: string;
  bytes: number;
  /** Where macro keeps its copy on the host, outside anything the sandbox can write. */
  hostPath: string;
}

export interface StepRequest {
  engine: ContainerEngine;
  image: string;
  flags: RunFlags;
  seccompProfilePath: string;
  step: WorkloadStep;
  /** The workspace root on the host (the SSOT's directory); inputs are relative to it. */
  workspace: string;
  /** Artifacts of the build steps this step uses, already verified by digest. */
  uses: { stepId: string; artifacts: Artifact[] }[];
  /** Where this step's artifacts and report are kept on the host (this run's folder). */
  keepDir: string;
  recorder: SideEffectRecorder;
  signal?: AbortSignal;
  now: () => Date;
}

export interface StepOutcome {
  stepId: string;
  kind: WorkloadStep["kind"];
  containerName: string;
  startedAt: string;
  durationMs: number;
  exitCode: number;
  /** The digest of every input as mounted: a change between build and test, or after the run, shows. */
  inputs: { path: string; digest: TreeDigest }[];
  artifacts: Artifact[];
  /** For a test step: what the report and the runner said, judged together. */
  test: TestStepVerdict | null;
  stdoutTail: string;
  stderrTail: string;
  problems: string[];
}

export type StepFailure = { code: "SANDBOX" | "INPUT" | "ABORTED"; message: string };

/**
 * One workload step in one fresh throwaway container: the declared inputs read-only under
 * /work, the used build artifacts read-only under /artifacts/<step>, and one private writable
 * directory at /out that macro made for it. Afterwards macro takes only the files the step
 * declared out of /out (regular files, bounded), keeps copies by digest, and judges a test
 * step's report against its runner's exit code. Nothing of the step runs on the host.
 */
export async function runStep(req: StepRequest): Promise<{ ok: true; value: StepOutcome } | { ok: false; error: StepFailure }> {
  const { step } = req;
  const inputs: StepOutcome["inputs"] = [];
  for (const path of step.inputs) {
    try {
      inputs.push({ path, digest: await digestTree(join(req.workspace, path), { skip: [] }) });
    } catch (e) {
      return { ok: false, error: { code: "INPUT", message: `step ${step.id}: input ${path} cannot be read: ${(e as Error).message}` } };
    }
  }
  const scratch = await mkdtemp(join(tmpdir(), "macro-step-"));
  try {
    const out = await sandboxOwnedDir(join(scratch, "out"), req.flags.user);
    const mounts: SandboxMount[] = [
      ...step.inputs.map((path) => ({ source: join(req.workspace, path), target: posix.join(IN_WORKSPACE, path), readOnly: true })),
      ...req.uses.flatMap((used) => used.artifacts.map((a) => ({ source: a.hostPath, target: posix.join(IN_ARTIFACTS, used.stepId, a.name), readOnly: true }))),
    ];
    const profile = { ...req.flags, env: { ...req.flags.env, ...step.env }, mounts: [...req.flags.mounts, { source: out, target: IN_OUT, readOnly: false }] };
    const startedAt = req.now();
    const run = await runInSandbox(req.engine, {
      image: req.image,
      profile,
      seccompProfilePath: req.seccompProfilePath,
      command: step.argv,
      workdir: posix.join(IN_WORKSPACE, step.workdir),
      mounts,
      timeoutMs: step.timeoutSeconds * 1000,
      recorder: req.recorder,
      ...(req.signal === undefined ? {} : { signal: req.signal }),
    });
    if (!run.ok) return { ok: false, error: { code: run.error.code === "ABORTED" ? "ABORTED" : "SANDBOX", message: `step ${step.id}: ${run.error.message}` } };
    const problems: string[] = [];
    const artifacts: Artifact[] = [];
    await mkdir(req.keepDir, { recursive: true });
    for (const name of step.artifacts) {
      const taken = await take(out, name, join(req.keepDir, `${step.id}--${name.replace(/[\\/]/g, "__")}`));
      if (typeof taken === "string") problems.push(`artifact ${name}: ${taken}`);
      else artifacts.push({ name, ...taken });
    }
    if (step.kind === "build" && run.value.exitCode !== 0) problems.push(`the build exited ${run.value.exitCode}`);
    let test: TestStepVerdict | null = null;
    if (step.kind === "test" && step.report !== undefined) {
      const bytes = await readTaken(out, step.report.path);
      const report = bytes === null ? null : typeof bytes === "string" ? { ok: false as const, error: bytes } : parseReport(step.report.format, bytes);
      test = judgeTestStep({ exitCode: run.value.exitCode, report, declaredFiles: step.testFiles, startedAtMs: startedAt.getTime() });
      problems.push(...test.problems.map((p) => `${p.code}: ${p.message}`));
    }
    return {
      ok: true,
      value: {
        stepId: step.id,
        kind: step.kind,
        containerName: run.value.containerName,
        startedAt: startedAt.toISOString(),
        durationMs: run.value.durationMs,
        exitCode: run.value.exitCode,
        inputs,
        artifacts,
        test,
        stdoutTail: run.value.stdout.slice(-4000),
        stderrTail: run.value.stderr.slice(-4000),
        problems,
      },
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The sandbox user owns its /out and nothing else on the host. As root, chown makes it so;
 * otherwise the directory (fresh, under a private 0700 scratch dir) is opened to all, which
 * reaches no one on the host but the sandbox.
 */
export async function sandboxOwnedDir(dir: string, user: string): Promise<string> {
  await mkdir(dir, { mode: 0o700 });
  const [uid, gid] = user.split(":").map(Number);
  try {
    await chown(dir, uid ?? 65534, gid ?? 65534);
  } catch {
    await chmod(dir, 0o777);
  }
  return dir;
}

/** A declared file from /out: a regular file (no link the sandbox planted), bounded, copied by digest. */
async function take(out: string, name: string, dest: string): Promise<{ sha256: string; bytes: number; hostPath: string } | string> {
  const source = join(out, name);
  const st = await lstat(source).catch(() => null);
  if (st === null) return "not written";
  if (!st.isFile()) return "not a regular file";
  if (st.size > TAKE_MAX_BYTES) return `${st.size} bytes, over the ${TAKE_MAX_BYTES}-byte limit`;
  await copyFile(source, dest);
  await chmod(dest, 0o444);
  const digest = await digestFile(dest);
  return { ...digest, hostPath: dest };
}

async function readTaken(out: string, name: string): Promise<Uint8Array | string | null> {
  const source = join(out, name);
  const st = await lstat(source).catch(() => null);
  if (st === null) return null;
  if (!st.isFile()) return "the report is not a regular file";
  if (st.size > TAKE_MAX_BYTES) return `the report is ${st.size} bytes, over the limit`;
  const handle = await open(source, "r");
  try {
    return new Uint8Array(await handle.readFile());
  } finally {
    await handle.close();
  }
}
