import { randomBytes } from "node:crypto";
import type { Result, RunFlags } from "@macro/ssot";
import { err, ok } from "@macro/ssot";
import type { ContainerEngine } from "./engine.ts";
import type { SandboxError } from "./errors.ts";
import { sandboxError } from "./errors.ts";
import type { SideEffectRecorder } from "./recorder.ts";
import type { EngineRecord } from "./engine-record.ts";
import { effect } from "./recorder.ts";
import type { RunArgsInput, SandboxMount } from "./run-args.ts";
import { buildRunArgs } from "./run-args.ts";

export const CONTAINER_PREFIX = "macro-";
const SETTLE_CHECKS = 4;
const SETTLE_INTERVAL_MS = 250;

export interface SandboxRunOptions {
  image: string;
  profile: RunFlags;
  seccompProfilePath: string;
  /** Arguments after the image's node entrypoint. */
  command: string[];
  mounts?: SandboxMount[];
  /** Where the command starts inside the container. */
  workdir?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  recorder: SideEffectRecorder;
}

export interface SandboxRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  containerName: string;
  durationMs: number;
  /** The exact arguments after `run`, for the evidence (env values are not in it). */
  args: string[];
  /** The engine's record of the container, held to the request before it started. */
  engineRecord: EngineRecord;
}

/**
 * Run one command in a throwaway container shaped by the profile. A non-zero exit of the
 * command is a result, not an error: judging it is the caller's job. Whatever happens —
 * success, failure, timeout, abort — the container is removed before this returns.
 */
export async function runInSandbox(engine: ContainerEngine, options: SandboxRunOptions): Promise<Result<SandboxRun, SandboxError>> {
  if (options.signal?.aborted === true) return err(sandboxError("ABORTED", "aborted before the container was created"));
  const containerName = `${CONTAINER_PREFIX}${randomBytes(6).toString("hex")}`;
  const spec: RunArgsInput = {
    name: containerName,
    image: options.image,
    flags: options.profile,
    seccompProfilePath: options.seccompProfilePath,
    command: options.command,
    ...(options.mounts === undefined ? {} : { mounts: options.mounts }),
    ...(options.workdir === undefined ? {} : { workdir: options.workdir }),
  };
  const { args, env } = buildRunArgs(spec);

  let created = false;
  let settled = false;
  const started = performance.now();
  try {
    const r = await engine.run({
      args,
      env,
      spec,
      timeoutMs: options.timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      onCreated: () => {
        if (created) return;
        created = true;
        options.recorder.record(effect("container-created", `${containerName} from ${options.image}`));
      },
    });
    const durationMs = Math.round(performance.now() - started);
    settled = r.settled;
    if (r.imageMissing) return err(sandboxError("IMAGE_MISSING", `image ${options.image} is not present on the ${engine.kind} engine; build it first`));
    if (r.timedOut) return err(sandboxError("TIMEOUT", `the container ${containerName} did not finish within ${options.timeoutMs} ms`, r.stderr));
    if (r.aborted) return err(sandboxError("ABORTED", `the run of ${containerName} was aborted`, r.stderr));
    if (r.spawnError !== null) return err(sandboxError("ENGINE_UNAVAILABLE", `${engine.kind} could not be started: ${r.spawnError}`));
    if (r.engineRecord !== null && r.engineRecord.differences.length > 0) {
      const fields = r.engineRecord.differences.map((d) => d.field);
      return err({ ...sandboxError("ENGINE_RECORD_MISMATCH", `${engine.kind} recorded a container other than the one requested (${fields.join(", ")}); removed, never started: ${r.engineError ?? ""}`), fields });
    }
    if (r.engineError !== null || r.exitCode === null) {
      return err(sandboxError("RUN_FAILED", `${engine.kind} run failed (${r.engineError ?? `exit ${String(r.exitCode)}`})`, r.stderr));
    }
    // A run that reports an exit code without the engine's record was not checked: fail closed.
    if (r.engineRecord === null) return err(sandboxError("RUN_FAILED", `${engine.kind} ran ${containerName} without a readable record of it`));
    return ok({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, containerName, durationMs, args, engineRecord: r.engineRecord });
  } finally {
    if (created) {
      // A killed CLI client does not stop the container, and may leave a create request
      // still in flight at the daemon: keep sweeping the name briefly so a container created
      // after the kill is removed too. An API run never leaves one in flight (settled).
      if (!settled) {
        for (let i = 0; i < SETTLE_CHECKS; i++) {
          if (await engine.containerExists(containerName)) await engine.removeContainer(containerName);
          await new Promise((done) => setTimeout(done, SETTLE_INTERVAL_MS));
        }
      }
      // --rm (AutoRemove) normally removed it already; one look confirms, a forced remove only when it did not.
      const gone = !(await engine.containerExists(containerName)) || (await engine.removeContainer(containerName));
      // Recorded only when true: a container that could not be removed stays "created" in the record.
      if (gone) options.recorder.record(effect("container-removed", containerName));
    }
  }
}
