import { access, constants } from "node:fs/promises";
import { delimiter, join } from "node:path";
import type { Result } from "@macro/ssot";
import { err, ok } from "@macro/ssot";
import { runCli } from "./exec.ts";
import { cliEngine } from "./cli-engine.ts";
import { apiDockerEngine, dockerSocketPath, probeDockerApi } from "./api-engine.ts";
import type { ContainerEngine, EngineAttempt, EngineEnv } from "./engine.ts";

const DEFAULT_ENDPOINT = "unix:///var/run/docker.sock";

/** True when an executable of that name is on the PATH of `env` (builds still need the CLI). */
async function onPath(bin: string, env: EngineEnv): Promise<boolean> {
  for (const dir of (env["PATH"] ?? "").split(delimiter)) {
    if (dir === "") continue;
    try {
      await access(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/**
 * A docker engine answers when its API on the unix socket the CLI would use reports a
 * version (then runs go over the socket), or else when `docker version` reports a server
 * version (tcp://, ssh://, contexts: everything stays with the CLI).
 */
export async function probeDocker(env: EngineEnv, transport: "auto" | "cli" = "auto"): Promise<Result<ContainerEngine, EngineAttempt>> {
  const endpoint = env["DOCKER_HOST"] ?? DEFAULT_ENDPOINT;
  const socketPath = transport === "cli" ? null : await dockerSocketPath(env);
  if (socketPath !== null && (await onPath("docker", env))) {
    const api = await probeDockerApi(socketPath);
    if (api.ok) return ok(apiDockerEngine(api.target, cliEngine("docker", "docker", endpoint, api.version, env)));
  }
  const r = await runCli("docker", ["version", "--format", "{{.Server.Version}}"], { env, timeoutMs: 15_000 });
  const version = r.stdout.trim();
  if (r.exitCode === 0 && version !== "") return ok(cliEngine("docker", "docker", endpoint, version, env));
  const error = r.spawnError ?? (r.timedOut ? "timed out" : (r.stderr.trim().split("\n").pop() ?? `exit ${String(r.exitCode)}`));
  return err({ kind: "docker", endpoint, error });
}
