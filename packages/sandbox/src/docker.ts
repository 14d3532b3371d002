import type { Result } from "@macro/ssot";
import { err, ok } from "@macro/ssot";
import { runCli } from "./exec.ts";
import { cliEngine } from "./cli-engine.ts";
import type { ContainerEngine, EngineAttempt, EngineEnv } from "./engine.ts";

const DEFAULT_ENDPOINT = "unix:///var/run/docker.sock";

/** A docker engine answers when `docker version` reports a server version. */
export async function probeDocker(env: EngineEnv): Promise<Result<ContainerEngine, EngineAttempt>> {
  const endpoint = env["DOCKER_HOST"] ?? DEFAULT_ENDPOINT;
  const r = await runCli("docker", ["version", "--format", "{{.Server.Version}}"], { env, timeoutMs: 15_000 });
  const version = r.stdout.trim();
  if (r.exitCode === 0 && version !== "") return ok(cliEngine("docker", "docker", endpoint, version, env));
  const error = r.spawnError ?? (r.timedOut ? "timed out" : (r.stderr.trim().split("\n").pop() ?? `exit ${String(r.exitCode)}`));
  return err({ kind: "docker", endpoint, error });
}
