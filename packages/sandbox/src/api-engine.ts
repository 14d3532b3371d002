import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import * as z from "zod";
import { ok } from "@macro/ssot";
import type { ContainerEngine, EngineEnv, ImageInfo } from "./engine.ts";
import { apiCall, engineMessage, type ApiTarget } from "./api-http.ts";
import { API_STEP_MS, apiRun, removeById } from "./api-run.ts";
import { sandboxError } from "./errors.ts";

const DEFAULT_SOCKET = "/var/run/docker.sock";
/** The newest API version this client was written against; older engines are asked for their own. */
const CLIENT_API = [1, 41] as const;
/** `wait?condition=removed` needs 1.30. */
const MIN_API = [1, 30] as const;
const PROBE_MS = 5_000;

const Version = z.object({ Version: z.string().min(1), ApiVersion: z.string().regex(/^\d+\.\d+$/) });
const ContextConfig = z.looseObject({ currentContext: z.string().optional() });
const ImageInspect = z.object({
  Id: z.string().min(1),
  RootFS: z.object({ Layers: z.array(z.string()).nullish() }).nullish(),
  Config: z.object({ Labels: z.record(z.string(), z.string()).nullish() }).nullish(),
});
const ContainerList = z.array(z.object({ Names: z.array(z.string()).nullish() }));

/**
 * The unix socket the docker CLI would talk to, or null when it would talk elsewhere
 * (tcp://, ssh://, a non-default context): then only the CLI can be trusted to reach the
 * same engine, and the API client is not used.
 */
export async function dockerSocketPath(env: EngineEnv): Promise<string | null> {
  const host = env["DOCKER_HOST"];
  if (host !== undefined && host !== "") return host.startsWith("unix://") ? host.slice("unix://".length) : null;
  const context = env["DOCKER_CONTEXT"];
  if (context !== undefined && context !== "" && context !== "default") return null;
  const configDir = env["DOCKER_CONFIG"] ?? join(env["HOME"] ?? homedir(), ".docker");
  let text: string;
  try {
    text = await readFile(resolve(configDir, "config.json"), "utf8");
  } catch {
    return DEFAULT_SOCKET;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The CLI itself would refuse this config; do not guess which engine it means.
    return null;
  }
  const parsed = ContextConfig.safeParse(json);
  if (!parsed.success) return null;
  const current = parsed.data.currentContext;
  return current === undefined || current === "" || current === "default" ? DEFAULT_SOCKET : null;
}

function apiVersion(daemon: string): string | null {
  const [major = 0, minor = 0] = daemon.split(".").map(Number);
  if (major < MIN_API[0] || (major === MIN_API[0] && minor < MIN_API[1])) return null;
  if (major > CLIENT_API[0] || (major === CLIENT_API[0] && minor > CLIENT_API[1])) return `${CLIENT_API[0]}.${CLIENT_API[1]}`;
  return `${major}.${minor}`;
}

/** `GET /version` on the socket: the server version and the API prefix to use, or why not. */
export async function probeDockerApi(socketPath: string): Promise<{ ok: true; version: string; target: ApiTarget } | { ok: false; reason: string }> {
  const r = await apiCall({ socketPath, prefix: "" }, { method: "GET", path: "/version", timeoutMs: PROBE_MS });
  if (!r.ok) return { ok: false, reason: r.failure.reason };
  if (r.response.status !== 200) return { ok: false, reason: `GET /version answered ${r.response.status}` };
  let json: unknown;
  try {
    json = JSON.parse(r.response.body);
  } catch {
    return { ok: false, reason: "GET /version answered something that is not JSON" };
  }
  const parsed = Version.safeParse(json);
  if (!parsed.success) return { ok: false, reason: "GET /version answered without Version and ApiVersion" };
  const version = apiVersion(parsed.data.ApiVersion);
  if (version === null) return { ok: false, reason: `engine API ${parsed.data.ApiVersion} is older than ${MIN_API.join(".")}` };
  return { ok: true, version: parsed.data.Version, target: { socketPath, prefix: `/v${version}` } };
}

/**
 * docker with its Engine API on a unix socket: runs and container/image look-ups go over the
 * socket (no CLI process per call), `build` and anything else stay with the CLI engine given,
 * which talks to the same socket.
 */
export function apiDockerEngine(target: ApiTarget, cli: ContainerEngine): ContainerEngine {
  const get = (path: string) => apiCall(target, { method: "GET", path, timeoutMs: API_STEP_MS });
  const inspectImage = async (ref: string): Promise<ImageInfo | null> => {
    const r = await get(`/images/${encodeURIComponent(ref)}/json`);
    if (!r.ok || r.response.status !== 200) return null;
    let json: unknown;
    try {
      json = JSON.parse(r.response.body);
    } catch {
      return null;
    }
    const parsed = ImageInspect.safeParse(json);
    if (!parsed.success) return null;
    return { id: parsed.data.Id, layers: parsed.data.RootFS?.Layers ?? [], labels: parsed.data.Config?.Labels ?? {} };
  };
  const containerExists = async (name: string): Promise<boolean> => {
    const r = await get(`/containers/${encodeURIComponent(name)}/json`);
    // Only a 404 proves absence; an engine that does not answer may still hold the container.
    return !(r.ok && r.response.status === 404);
  };

  return {
    ...cli,
    transport: "api",
    async run(request) {
      let seccompJson: string | null = null;
      const { seccomp } = request.spec.flags;
      if (seccomp !== "unconfined" && seccomp !== "default") {
        try {
          seccompJson = await readFile(resolve(request.spec.seccompProfilePath), "utf8");
        } catch (cause) {
          return { exitCode: null, stdout: "", stderr: "", timedOut: false, aborted: false, spawnError: null, imageMissing: false, engineError: `cannot read the seccomp profile: ${String(cause)}`, settled: true, engineRecord: null };
        }
      }
      return apiRun(target, request, seccompJson);
    },
    async imageExists(ref) {
      return (await inspectImage(ref)) !== null;
    },
    inspectImage,
    async tagImage(source, target_) {
      const slash = target_.lastIndexOf("/");
      const colon = target_.lastIndexOf(":");
      const [repo, tag] = colon > slash ? [target_.slice(0, colon), target_.slice(colon + 1)] : [target_, "latest"];
      const r = await apiCall(target, {
        method: "POST",
        path: `/images/${encodeURIComponent(source)}/tag?repo=${encodeURIComponent(repo)}&tag=${encodeURIComponent(tag)}`,
        timeoutMs: API_STEP_MS,
      });
      if (r.ok && r.response.status === 201) return ok(undefined);
      const why = r.ok ? `answered ${r.response.status}: ${engineMessage(r.response.body)}` : r.failure.reason;
      return { ok: false, error: sandboxError("RUN_FAILED", `docker tag ${source} ${target_} failed (${why})`) };
    },
    containerExists,
    async removeContainer(name) {
      return removeById(target, name);
    },
    async listContainers(namePrefix) {
      const filters = encodeURIComponent(JSON.stringify({ name: [`^${namePrefix}`] }));
      const r = await get(`/containers/json?all=1&filters=${filters}`);
      if (!r.ok || r.response.status !== 200) return cli.listContainers(namePrefix);
      let json: unknown;
      try {
        json = JSON.parse(r.response.body);
      } catch {
        return cli.listContainers(namePrefix);
      }
      const parsed = ContainerList.safeParse(json);
      if (!parsed.success) return cli.listContainers(namePrefix);
      return parsed.data
        .flatMap((c) => c.Names ?? [])
        .map((n) => n.replace(/^\//, ""))
        .filter((n) => n.startsWith(namePrefix));
    },
  };
}
