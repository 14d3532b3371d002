import type { Result } from "@macro/ssot";
import { err, ok } from "@macro/ssot";
import { runCli } from "./exec.ts";
import { cliEngine } from "./cli-engine.ts";
import type { ContainerEngine, EngineAttempt, EngineEnv } from "./engine.ts";

/**
 * `podman info` answers for both a local (fork/exec) podman and a remote one behind
 * CONTAINER_HOST, so it is the one check for both. Not exercised on the reference
 * machine (no podman there): the CLI commands used are the docker-compatible subset.
 */
export async function probePodman(env: EngineEnv): Promise<Result<ContainerEngine, EngineAttempt>> {
  const endpoint = env["CONTAINER_HOST"] ?? "local";
  const r = await runCli("podman", ["info", "--format", "{{.Version.Version}}"], { env, timeoutMs: 15_000 });
  const version = r.stdout.trim();
  if (r.exitCode === 0 && version !== "") return ok(cliEngine("podman", "podman", endpoint, version, env));
  const error = r.spawnError ?? (r.timedOut ? "timed out" : (r.stderr.trim().split("\n").pop() ?? `exit ${String(r.exitCode)}`));
  return err({ kind: "podman", endpoint, error });
}
