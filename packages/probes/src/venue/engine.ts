import { execFile } from "node:child_process";
import { access, constants, lstat, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";
import * as z from "zod";
import type { EngineFacts, EngineKind } from "@macro/ssot";

/** The variable each client reads its endpoint from. */
export const ENGINE_HOST_VAR: Record<EngineKind, "DOCKER_HOST" | "CONTAINER_HOST"> = {
  docker: "DOCKER_HOST",
  podman: "CONTAINER_HOST",
};

/**
 * The endpoint each engine would be asked at: the configured one, else the client's default.
 * Podman's default depends on who asks: root talks to the rootful socket, anyone else to
 * their rootless one under XDG_RUNTIME_DIR.
 */
export function engineEndpoint(kind: EngineKind, env: Record<string, string | undefined>, uid: number | null): string {
  const configured = env[ENGINE_HOST_VAR[kind]];
  if (configured !== undefined && configured !== "") return configured;
  if (kind === "docker") return "unix:///var/run/docker.sock";
  if (uid === 0 || uid === null) return "unix:///run/podman/podman.sock";
  return `unix://${env["XDG_RUNTIME_DIR"] ?? `/run/user/${uid}`}/podman/podman.sock`;
}

const VersionOutput = z.object({
  Server: z.looseObject({ Version: z.string() }).nullish(),
});

interface ExecOutcome {
  stdout: string;
  stderr: string;
  /** Node's error code: "ENOENT" when the binary is missing; null on a clean exit. */
  errorCode: string | number | null;
  timedOut: boolean;
}

function run(file: string, args: string[], env: Record<string, string | undefined>, timeoutMs: number): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      resolve({
        stdout: String(stdout),
        stderr: String(stderr),
        errorCode: error === null ? null : (error.code ?? null),
        timedOut: error !== null && error.killed === true && error.signal === "SIGTERM",
      });
    });
  });
}

/**
 * Asks the engine's own client (`docker version` / `podman version`) with the endpoint pinned
 * through DOCKER_HOST / CONTAINER_HOST, so the only thing contacted is that endpoint. Creates
 * nothing.
 *
 * The client is only started when it could get an answer: a client that is not on PATH, or a
 * unix socket that does not exist, is observed from the filesystem. Starting a client means
 * forking this process, which cost more than everything else on the no-engine path.
 *
 * Limitation: `canCreateContainers` is "the engine answered and, for a unix socket, we may
 * write to the socket". A socket mounted read-only (the seed's read-only tool surface) fails
 * it, but a socket proxy or an authorization plugin that answers `version` and refuses
 * `create` would pass it; only creating a container would tell, and observing must not.
 * For tcp:// and ssh:// endpoints an answer is all we can check.
 */
export async function probeEngineLive(
  kind: EngineKind,
  endpoint: string,
  baseEnv: Record<string, string | undefined>,
  timeoutMs: number,
): Promise<EngineFacts> {
  const base = { kind, endpoint, serverVersion: null };
  const client = await findOnPath(kind, baseEnv["PATH"]);
  if (client === null) {
    return { ...base, clientFound: false, reachable: false, canCreateContainers: false, error: `${kind} client not found on PATH` };
  }
  const missing = await missingSocket(endpoint);
  if (missing !== null) return { ...base, clientFound: true, reachable: false, canCreateContainers: false, error: missing };
  const env: Record<string, string | undefined> = { ...baseEnv, [ENGINE_HOST_VAR[kind]]: endpoint };
  // An active docker context must not redirect the client away from the endpoint we report.
  delete env["DOCKER_CONTEXT"];
  const out = await run(client, ["version", "--format", "{{json .}}"], env, timeoutMs);
  if (out.errorCode === "ENOENT") {
    return { ...base, clientFound: false, reachable: false, canCreateContainers: false, error: `${kind} client not found on PATH` };
  }
  if (out.timedOut) {
    return { ...base, clientFound: true, reachable: false, canCreateContainers: false, error: `no answer within ${timeoutMs} ms` };
  }
  const serverVersion = parseServerVersion(out.stdout);
  if (serverVersion === null) {
    const why = firstLine(out.stderr) ?? (out.errorCode === null ? "no server section in the answer" : `exit ${out.errorCode}`);
    return { ...base, clientFound: true, reachable: false, canCreateContainers: false, error: why };
  }
  const writable = await socketWritable(endpoint);
  return {
    kind,
    endpoint,
    clientFound: true,
    reachable: true,
    canCreateContainers: writable === null,
    serverVersion,
    error: writable,
  };
}

/** The first executable regular file called `name` on `path`, the way execvp would find it. */
export async function findOnPath(name: string, path: string | undefined): Promise<string | null> {
  for (const dir of (path ?? "").split(delimiter)) {
    // An empty entry means the working directory to execvp; a client from there is not "on PATH".
    if (dir === "") continue;
    const candidate = join(dir, name);
    try {
      if (!(await stat(candidate)).isFile()) continue;
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; keep looking.
    }
  }
  return null;
}

/** Why a unix:// endpoint cannot answer because nothing is there; null when it might. */
async function missingSocket(endpoint: string): Promise<string | null> {
  if (!endpoint.startsWith("unix://")) return null;
  const path = endpoint.slice("unix://".length);
  try {
    await lstat(path);
    return null;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") return null;
    return `no socket at ${path} (${code}): no engine listens there, so the client was not asked`;
  }
}

function parseServerVersion(stdout: string): string | null {
  const line = stdout.trim().split("\n").find((l) => l.startsWith("{"));
  if (line === undefined) return null;
  try {
    const parsed = VersionOutput.safeParse(JSON.parse(line));
    return parsed.success ? (parsed.data.Server?.Version ?? null) : null;
  } catch {
    return null;
  }
}

/** Null when writable (or not a unix socket); otherwise why not. `check` is replaceable in tests (root may write anything). */
export async function socketWritable(endpoint: string, check: (path: string, mode: number) => Promise<void> = access): Promise<string | null> {
  if (!endpoint.startsWith("unix://")) return null;
  const path = endpoint.slice("unix://".length);
  try {
    await check(path, constants.W_OK);
    return null;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? "unknown";
    return `socket ${path} is not writable by this user (${code}); a read-only socket cannot create containers`;
  }
}

function firstLine(text: string): string | null {
  const line = text.trim().split("\n")[0]?.trim();
  return line === undefined || line === "" ? null : line;
}
