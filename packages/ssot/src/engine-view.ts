import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import * as z from "./zod.ts";

/**
 * One container's security-relevant configuration, normalized so that what the sandbox asked
 * the engine for and what the engine recorded (`GET /containers/{id}/json`, `docker inspect`)
 * can be compared field by field. Both views are built into this one shape by
 * @macro/sandbox; the verifier compares them again from the bundle. Secrets never enter it:
 * env values are reduced to their sha256, the seccomp profile to the digest of its canonical JSON.
 */
export const EngineView = z.strictObject({
  /** Config.Image: the reference the container was created from. */
  image: z.string(),
  cmd: z.array(z.string()),
  user: z.string(),
  /** "KEY=sha256:<hex of the value>", sorted. */
  env: z.array(z.string()),
  networkMode: z.string(),
  networkDisabled: z.boolean(),
  pidMode: z.string(),
  ipcMode: z.string(),
  utsMode: z.string(),
  usernsMode: z.string(),
  cgroupnsMode: z.string(),
  /** HostConfig.Cgroup: "container:<id>" puts the container in another one's cgroup. */
  cgroup: z.string(),
  privileged: z.boolean(),
  capAdd: z.array(z.string()),
  capDrop: z.array(z.string()),
  noNewPrivileges: z.boolean(),
  /** "sha256:<hex of the canonical profile JSON>", "unconfined" or "engine-default" (none sent). */
  seccomp: z.string(),
  /** Every other security option (apparmor, label, …), sorted. */
  securityOpt: z.array(z.string()),
  readonlyRootfs: z.boolean(),
  /** "type:source->target:ro|rw[:propagation]", sorted; binds and mounts alike. */
  mounts: z.array(z.string()),
  tmpfs: z.record(z.string(), z.string()),
  groupAdd: z.array(z.string()),
  /** "host->container:perms", sorted. */
  devices: z.array(z.string()),
  deviceCgroupRules: z.array(z.string()),
  deviceRequests: z.number().int().nonnegative(),
  pidsLimit: z.number().int().nullable(),
  memory: z.number().int(),
  memorySwap: z.number().int(),
  nanoCpus: z.number().int(),
  cpuShares: z.number().int(),
  cpuQuota: z.number().int(),
  cpuPeriod: z.number().int(),
  cpusetCpus: z.string(),
  /** Compared as "at least": the engine may mask more, never less. */
  maskedPaths: z.array(z.string()),
  readonlyPaths: z.array(z.string()),
  sysctls: z.record(z.string(), z.string()),
  /** "name=soft:hard", sorted. */
  ulimits: z.array(z.string()),
  oomKillDisable: z.boolean(),
  volumesFrom: z.array(z.string()),
  links: z.array(z.string()),
  extraHosts: z.array(z.string()),
  restartPolicy: z.string(),
  autoRemove: z.boolean(),
  cgroupParent: z.string(),
  /** Anonymous volumes (Config.Volumes), sorted. */
  volumes: z.array(z.string()),
  /** HostConfig.Capabilities: a whole capability set, replacing the default one when set. */
  capabilities: z.array(z.string()).nullable(),
});
export type EngineView = z.infer<typeof EngineView>;

/** What a Docker 20.10+ engine masks / makes read-only by default; no sandbox may get less. */
export const ENGINE_DEFAULT_MASKED_PATHS = [
  "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
  "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
] as const;
export const ENGINE_DEFAULT_READONLY_PATHS = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"] as const;
/** The engine adds this PATH when the image declares none (the sandbox image is FROM scratch). */
export const ENGINE_DEFAULT_PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface EngineViewDifference {
  field: keyof EngineView;
  requested: unknown;
  reported: unknown;
}

const AT_LEAST: ReadonlySet<keyof EngineView> = new Set(["maskedPaths", "readonlyPaths"]);

/**
 * Every field where the engine's record differs from the request. Masked and read-only paths
 * may be a superset of the requested ones; everything else must be equal.
 */
export function compareEngineViews(requested: EngineView, reported: EngineView): EngineViewDifference[] {
  const out: EngineViewDifference[] = [];
  for (const field of Object.keys(EngineView.shape) as (keyof EngineView)[]) {
    const want = requested[field];
    const got = reported[field];
    if (AT_LEAST.has(field)) {
      const have = new Set(got as string[]);
      if ((want as string[]).every((p) => have.has(p))) continue;
    } else if (isDeepStrictEqual(want, got)) continue;
    out.push({ field, requested: want, reported: got });
  }
  return out;
}

/** JSON with object keys sorted at every level, no whitespace: one text per value. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function sha256Of(text: string | Uint8Array): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The digest a seccomp profile is known by in the bundle: sha256 of its canonical JSON, so the
 * file on disk, the compact text the client sends and the engine's stored copy all agree.
 * Null when the text is not JSON.
 */
export function seccompDigest(text: string | Uint8Array): string | null {
  try {
    const json: unknown = JSON.parse(typeof text === "string" ? text : new TextDecoder("utf-8", { fatal: true }).decode(text));
    return sha256Of(canonicalJson(json));
  } catch {
    return null;
  }
}

/** The digest of a view, as the bundle carries it. */
export function engineViewDigest(view: EngineView): string {
  return sha256Of(canonicalJson(view));
}
