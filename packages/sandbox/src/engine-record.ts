import {
  ENGINE_DEFAULT_MASKED_PATHS,
  ENGINE_DEFAULT_PATH_ENV,
  ENGINE_DEFAULT_READONLY_PATHS,
  canonicalJson,
  compareEngineViews,
  engineViewDigest,
  sha256Of,
  type EngineView,
  type EngineViewDifference,
} from "@macro/ssot";
import type { CreateBody } from "./api-create.ts";
import { ContainerInspect } from "./engine-inspect.ts";

export { ContainerInspect };

/**
 * The second view of B4′ (issue 12 item 2): after create and before start, the engine's own
 * record of the container (`GET /containers/{id}/json`, `docker container inspect`) is read
 * back and held to what was asked for, field by field. An engine that quietly weakens a
 * container — an extra bind, a shared namespace, a capability, a swapped seccomp profile —
 * is caught here before anything runs in it. (An engine that also lies in this record is left
 * to the probes; docs/threat-model.md.)
 */
export interface EngineRecord {
  requested: EngineView;
  reported: EngineView;
  /** sha256 of the reported view's canonical JSON. */
  reportedSha256: string;
  /** The image id the engine created the container from (`sha256:…`). */
  imageId: string;
  differences: EngineViewDifference[];
}


const sorted = (xs: readonly string[] | null | undefined): string[] => [...(xs ?? [])].sort();
const capName = (c: string): string => c.toUpperCase().replace(/^CAP_/, "");
const caps = (xs: readonly string[] | null | undefined): string[] => sorted((xs ?? []).map(capName));

function envView(env: readonly string[]): string[] {
  return sorted(
    env.map((entry) => {
      const eq = entry.indexOf("=");
      const key = eq === -1 ? entry : entry.slice(0, eq);
      return eq === -1 ? `${key}` : `${key}=sha256:${sha256Of(entry.slice(eq + 1))}`;
    }),
  );
}

/** no-new-privileges, the seccomp profile's digest and every other option, as the engine spells them. */
function securityView(opts: readonly string[]): Pick<EngineView, "noNewPrivileges" | "seccomp" | "securityOpt"> {
  let noNewPrivileges = false;
  let seccomp = "engine-default";
  const rest: string[] = [];
  for (const opt of opts) {
    const match = /^([a-z-]+)[=:]?([\s\S]*)$/.exec(opt);
    const key = match?.[1] ?? "";
    const value = match?.[2] ?? "";
    if (key === "no-new-privileges" && (value === "" || value === "true")) noNewPrivileges = true;
    else if (key === "no-new-privileges" && value === "false") noNewPrivileges = false;
    else if (key === "seccomp") seccomp = value === "unconfined" ? "unconfined" : seccompValueDigest(value);
    else rest.push(opt);
  }
  return { noNewPrivileges, seccomp, securityOpt: rest.sort() };
}

function seccompValueDigest(json: string): string {
  try {
    return `sha256:${sha256Of(canonicalJson(JSON.parse(json)))}`;
  } catch {
    return `unparsable:sha256:${sha256Of(json)}`;
  }
}

function bindView(spec: string): string {
  // "src:dst[:opts]" — the source is a host path (no colon on Linux), options comma-separated.
  const [src = "", dst = "", opts = ""] = spec.split(":");
  const options = opts.split(",").filter((o) => o !== "");
  const rest = options.filter((o) => o !== "ro" && o !== "rw").sort();
  return `bind:${src}->${dst}:${options.includes("ro") ? "ro" : "rw"}${rest.length === 0 ? "" : `:${rest.join(",")}`}`;
}

/** What the sandbox asked for, in the shape of the engine's record (with the engine's defaults it relies on). */
export function requestedView(body: CreateBody): EngineView {
  const h = body.HostConfig;
  const env = body.Env.some((e) => e.startsWith("PATH=")) ? body.Env : [...body.Env, ENGINE_DEFAULT_PATH_ENV];
  return {
    image: body.Image,
    cmd: [...body.Cmd],
    user: body.User,
    env: envView(env),
    networkMode: h.NetworkMode,
    networkDisabled: body.NetworkDisabled,
    pidMode: h.PidMode,
    ipcMode: h.IpcMode,
    utsMode: h.UTSMode,
    usernsMode: h.UsernsMode,
    cgroupnsMode: h.CgroupnsMode,
    cgroup: "",
    privileged: h.Privileged,
    capAdd: caps(h.CapAdd),
    capDrop: caps(h.CapDrop),
    ...securityView(h.SecurityOpt),
    readonlyRootfs: h.ReadonlyRootfs,
    mounts: sorted(h.Mounts.map((m) => `bind:${m.Source}->${m.Target}:${m.ReadOnly ? "ro" : "rw"}`)),
    tmpfs: { ...(h.Tmpfs ?? {}) },
    groupAdd: [],
    devices: [],
    deviceCgroupRules: [],
    deviceRequests: 0,
    pidsLimit: h.PidsLimit ?? null,
    memory: h.Memory ?? 0,
    memorySwap: h.MemorySwap ?? 0,
    nanoCpus: 0,
    cpuShares: 0,
    cpuQuota: 0,
    cpuPeriod: 0,
    cpusetCpus: "",
    maskedPaths: [...ENGINE_DEFAULT_MASKED_PATHS],
    readonlyPaths: [...ENGINE_DEFAULT_READONLY_PATHS],
    sysctls: {},
    ulimits: [],
    oomKillDisable: false,
    volumesFrom: [],
    links: [],
    extraHosts: [],
    restartPolicy: "no",
    autoRemove: h.AutoRemove,
    cgroupParent: "",
    volumes: [],
    capabilities: null,
  };
}

/** What the engine recorded, in the same shape. */
export function reportedView(record: ContainerInspect): EngineView {
  const h = record.HostConfig;
  const c = record.Config;
  const mounts = [
    ...(h.Binds ?? []).map(bindView),
    ...(h.Mounts ?? []).map((m) => {
      const extra = [m.BindOptions?.Propagation, m.BindOptions?.NonRecursive === true ? "nonrecursive" : null, m.TmpfsOptions ? canonicalJson(m.TmpfsOptions) : null].filter((x) => x !== null && x !== undefined && x !== "");
      return `${m.Type ?? "?"}:${m.Source ?? ""}->${m.Target ?? ""}:${m.ReadOnly === true ? "ro" : "rw"}${extra.length === 0 ? "" : `:${extra.join(",")}`}`;
    }),
  ];
  const pids = h.PidsLimit ?? null;
  return {
    image: c.Image ?? "",
    cmd: [...(c.Cmd ?? [])],
    user: c.User ?? "",
    env: envView(c.Env ?? []),
    networkMode: h.NetworkMode ?? "",
    networkDisabled: c.NetworkDisabled ?? false,
    pidMode: h.PidMode ?? "",
    ipcMode: h.IpcMode ?? "",
    utsMode: h.UTSMode ?? "",
    usernsMode: h.UsernsMode ?? "",
    cgroupnsMode: h.CgroupnsMode ?? "",
    cgroup: h.Cgroup ?? "",
    privileged: h.Privileged ?? false,
    capAdd: caps(h.CapAdd),
    capDrop: caps(h.CapDrop),
    ...securityView(h.SecurityOpt ?? []),
    readonlyRootfs: h.ReadonlyRootfs ?? false,
    mounts: mounts.sort(),
    tmpfs: { ...(h.Tmpfs ?? {}) },
    groupAdd: sorted(h.GroupAdd),
    devices: sorted((h.Devices ?? []).map((d) => `${d.PathOnHost ?? ""}->${d.PathInContainer ?? ""}:${d.CgroupPermissions ?? ""}`)),
    deviceCgroupRules: sorted(h.DeviceCgroupRules),
    deviceRequests: (h.DeviceRequests ?? []).length,
    // 0 and -1 both mean "unlimited" to the engine.
    pidsLimit: pids === null || pids <= 0 ? null : pids,
    memory: h.Memory ?? 0,
    memorySwap: h.MemorySwap ?? 0,
    nanoCpus: h.NanoCpus ?? 0,
    cpuShares: h.CpuShares ?? 0,
    cpuQuota: h.CpuQuota ?? 0,
    cpuPeriod: h.CpuPeriod ?? 0,
    cpusetCpus: h.CpusetCpus ?? "",
    maskedPaths: sorted(h.MaskedPaths),
    readonlyPaths: sorted(h.ReadonlyPaths),
    sysctls: { ...(h.Sysctls ?? {}) },
    ulimits: sorted((h.Ulimits ?? []).map((u) => `${u.Name}=${u.Soft}:${u.Hard}`)),
    oomKillDisable: h.OomKillDisable ?? false,
    volumesFrom: sorted(h.VolumesFrom),
    links: sorted(h.Links),
    extraHosts: sorted(h.ExtraHosts),
    restartPolicy: h.RestartPolicy?.Name === "" || h.RestartPolicy?.Name == null ? "no" : h.RestartPolicy.Name,
    autoRemove: h.AutoRemove ?? false,
    cgroupParent: h.CgroupParent ?? "",
    volumes: Object.keys(c.Volumes ?? {}).sort(),
    capabilities: h.Capabilities == null ? null : caps(h.Capabilities),
  };
}

/**
 * Reads the engine's record (already parsed JSON) against the request. A record that does not
 * parse is itself a difference: nothing is started on an answer that cannot be read.
 */
export function checkEngineRecord(body: CreateBody, inspect: unknown): { ok: true; record: EngineRecord } | { ok: false; reason: string } {
  const parsed = ContainerInspect.safeParse(Array.isArray(inspect) ? inspect[0] : inspect);
  if (!parsed.success) return { ok: false, reason: `the engine's record of the container does not parse: ${parsed.error.issues[0]?.path.join(".") ?? "?"}: ${parsed.error.issues[0]?.message ?? "invalid"}` };
  const requested = requestedView(body);
  const reported = reportedView(parsed.data);
  return {
    ok: true,
    record: { requested, reported, reportedSha256: engineViewDigest(reported), imageId: parsed.data.Image, differences: compareEngineViews(requested, reported) },
  };
}

/** "HostConfig field: requested X, recorded Y" for each difference, for messages. */
export function describeDifferences(differences: readonly EngineViewDifference[]): string {
  return differences.map((d) => `${d.field} (requested ${JSON.stringify(d.requested)}, recorded ${JSON.stringify(d.reported)})`).join("; ");
}
