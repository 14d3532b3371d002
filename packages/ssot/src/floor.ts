import { lstat, readdir, readFile, realpath } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { probeFloorIssues, type FloorIssue } from "./floor-probes.ts";
import { seccompFloorIssues } from "./floor-seccomp.ts";
import type { RunFlags, Ssot } from "./ssot.ts";

/**
 * The floor no SSOT can lower (issue 12, DESIGN §10.3): a deny-by-default profile that ships in
 * code. An SSOT may tighten any of it; anything weaker is an input error at load, naming the
 * field and the floor it breaks. `macro attest --profile` experiments bypass it, and their
 * bundles are variants that never count as B4′.
 */
export const FLOOR = {
  network: "none",
  pidsLimit: 64,
  memoryBytes: 512 * 1024 ** 2,
  tmpfsTarget: "/tmp",
  tmpfsMaxBytes: 64 * 1024 ** 2,
  tmpfsRequired: ["noexec", "nosuid", "nodev"],
} as const;

export type { FloorIssue } from "./floor-probes.ts";
export { expectationWithin, probeFloorIssues } from "./floor-probes.ts";
export { seccompFloorIssues, FLOOR_SECCOMP_ALLOW, FLOOR_SECCOMP_ARCHITECTURES, FLOOR_SECCOMP_CONDITIONAL } from "./floor-seccomp.ts";

const SEC_MAX_BYTES = 256 * 1024;
/** A mounted directory is walked this far looking for sockets; past it, it cannot be vouched for. */
const WALK_MAX_ENTRIES = 2000;
const WALK_MAX_DEPTH = 4;
/** Host places whose contents (engine sockets, devices, kernel state) must never be mounted in. */
const HOST_SENSITIVE = ["/run", "/var/run", "/var/lib/docker", "/var/lib/containers", "/proc", "/sys", "/dev", "/etc", "/root", "/boot"];
const TARGET_FORBIDDEN = ["/proc", "/sys", "/dev"];

const UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "256m" → bytes; null when the text is not a bounded size ("50%", garbage). */
export function sizeBytes(text: string): number | null {
  const match = /^(\d+)([kmg]?)b?$/i.exec(text.trim());
  const unit = UNITS[(match?.[2] ?? "").toLowerCase()];
  return match === null || match[1] === undefined || unit === undefined ? null : Number(match[1]) * unit;
}

const within = (child: string, parent: string): boolean => child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
const capName = (c: string): string => c.toUpperCase().replace(/^CAP_/, "");

/** The run flags' own floor, without the file system (pure). */
export function runFlagFloorIssues(flags: RunFlags): FloorIssue[] {
  const at = (field: string, message: string): FloorIssue => ({ path: `sandbox.runFlags.${field}`, message });
  const issues: FloorIssue[] = [];
  if (flags.network !== FLOOR.network) issues.push(at("network", `${flags.network} is weaker than the floor (none)`));
  if (!flags.readOnly) issues.push(at("readOnly", "false is weaker than the floor (a read-only root)"));
  if (!flags.capDrop.some((c) => capName(c) === "ALL")) issues.push(at("capDrop", `${JSON.stringify(flags.capDrop)} is weaker than the floor ([ALL])`));
  if (flags.capAdd.length > 0) issues.push(at("capAdd", `[${flags.capAdd.join(", ")}] is weaker than the floor (no capabilities)`));
  if (!flags.noNewPrivileges) issues.push(at("noNewPrivileges", "false is weaker than the floor (no-new-privileges)"));
  if (flags.seccomp === "unconfined" || flags.seccomp === "default") {
    issues.push(at("seccomp", `${flags.seccomp} is weaker than the floor (the deny-by-default profile or a tighter one)`));
  }
  const [uid, gid] = flags.user.split(":").map(Number);
  if (uid === 0 || gid === 0) issues.push(at("user", `${flags.user} is weaker than the floor (a non-root uid and gid)`));
  if (flags.pidsLimit === null || flags.pidsLimit > FLOOR.pidsLimit) {
    issues.push(at("pidsLimit", `${String(flags.pidsLimit)} is weaker than the floor (at most ${FLOOR.pidsLimit})`));
  }
  const memory = flags.memory === null ? null : sizeBytes(flags.memory);
  if (memory === null || memory > FLOOR.memoryBytes) issues.push(at("memory", `${String(flags.memory)} is weaker than the floor (at most 512m)`));
  if (flags.tmpfs !== null) issues.push(...tmpfsIssues(flags.tmpfs).map((m) => at("tmpfs", m)));
  const envKeys = Object.keys(flags.env);
  if (envKeys.length > 0) issues.push(at("env", `{${envKeys.join(", ")}} is weaker than the floor (an empty environment)`));
  flags.mounts.forEach((m, i) => {
    if (!m.readOnly) issues.push(at(`mounts[${i}].readOnly`, `a writable host mount (${m.target}) is weaker than the floor (read-only inputs only)`));
    if (!isAbsolute(m.target) || m.target === "/" || TARGET_FORBIDDEN.some((t) => within(m.target, t))) {
      issues.push(at(`mounts[${i}].target`, `${m.target} is weaker than the floor (an absolute path outside /, /proc, /sys, /dev)`));
    }
  });
  return issues;
}

function tmpfsIssues(spec: string): string[] {
  const colon = spec.indexOf(":");
  const target = colon === -1 ? spec : spec.slice(0, colon);
  const options = colon === -1 ? [] : spec.slice(colon + 1).split(",");
  const issues: string[] = [];
  if (target !== FLOOR.tmpfsTarget) issues.push(`${target} is weaker than the floor (only ${FLOOR.tmpfsTarget} is writable)`);
  // The last of exec/noexec (and the like) wins, as the kernel applies them.
  const last = (on: string, off: string): string | undefined => options.filter((o) => o === on || o === off).at(-1);
  for (const need of FLOOR.tmpfsRequired) {
    if (last(need, need.slice(2)) !== need) issues.push(`${spec} lacks ${need}, which the floor requires`);
  }
  const sizes = options.filter((o) => o.startsWith("size=")).map((o) => sizeBytes(o.slice(5)));
  const size = sizes.at(-1);
  if (size === undefined || size === null || size > FLOOR.tmpfsMaxBytes) issues.push(`${spec} is weaker than the floor (size at most 64m)`);
  if (options.some((o) => /^(mode|uid|gid)=/.test(o) === false && /=/.test(o) && !o.startsWith("size="))) {
    issues.push(`${spec} has options beyond the floor's (size, mode, uid, gid and the flags)`);
  }
  return issues;
}

/**
 * The whole floor for a parsed SSOT: run flags, the seccomp profile's content (read from the
 * file the run would send), the mounts' sources, the probe set and its expectations.
 */
export async function floorIssues(ssot: Ssot, dir: string): Promise<FloorIssue[]> {
  const flags = ssot.sandbox.runFlags;
  const issues = [...runFlagFloorIssues(flags), ...probeFloorIssues(ssot.sandbox.probes)];
  if (flags.seccomp !== "unconfined" && flags.seccomp !== "default") issues.push(...(await seccompFileIssues(ssot, dir)));
  for (const [i, m] of flags.mounts.entries()) issues.push(...(await mountSourceIssues(resolve(dir, m.source), `sandbox.runFlags.mounts[${i}].source`)));
  return issues;
}

async function seccompFileIssues(ssot: Ssot, dir: string): Promise<FloorIssue[]> {
  const run = resolve(dir, ssot.sandbox.runFlags.seccomp);
  const subject = resolve(dir, ssot.sandbox.seccompProfile);
  const issues: FloorIssue[] = [];
  if (run !== subject) {
    // The bundle names the profile file; the run must send that same file, or it attests one profile and runs another.
    issues.push({ path: "sandbox.runFlags.seccomp", message: `${ssot.sandbox.runFlags.seccomp} is not sandbox.seccompProfile (${ssot.sandbox.seccompProfile}): the run must use the profile it attests` });
  }
  let text: string;
  try {
    const raw = await readFile(run);
    if (raw.byteLength > SEC_MAX_BYTES) return [...issues, { path: "sandbox.runFlags.seccomp", message: `${run} is larger than ${SEC_MAX_BYTES} bytes` }];
    text = raw.toString("utf8");
  } catch (cause) {
    return [...issues, { path: "sandbox.runFlags.seccomp", message: `cannot read ${run}: ${(cause as Error).message}` }];
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [...issues, { path: "sandbox.runFlags.seccomp", message: `${run} is not JSON` }];
  }
  return [...issues, ...seccompFloorIssues(json).map((i) => ({ path: "sandbox.runFlags.seccomp", message: `${run}: ${i.path}: ${i.message}` }))];
}

async function mountSourceIssues(source: string, path: string): Promise<FloorIssue[]> {
  let real: string;
  try {
    real = await realpath(source);
  } catch {
    return [{ path, message: `${source} does not exist` }];
  }
  if (real === "/" || HOST_SENSITIVE.some((p) => within(real, p) || within(p, real))) {
    return [{ path, message: `${real} is weaker than the floor: it is, holds or lies under a host place (${HOST_SENSITIVE.join(", ")}) no sandbox may see` }];
  }
  const found = await findSocket(real);
  if (found === null) return [];
  if (found === UNBOUNDED) return [{ path, message: `${real} is too large or deep to vouch for (more than ${WALK_MAX_ENTRIES} entries or ${WALK_MAX_DEPTH} levels): mount a smaller input` }];
  return [{ path, message: `${found === real ? real : `${real} holds ${relative(real, found)}, which`} is a socket: weaker than the floor (no socket from the host)` }];
}

const UNBOUNDED = Symbol("unbounded");

/** The first socket at or under `root`, or UNBOUNDED when the walk cannot finish within its bounds. */
async function findSocket(root: string): Promise<string | typeof UNBOUNDED | null> {
  let seen = 0;
  const walk = async (path: string, depth: number): Promise<string | typeof UNBOUNDED | null> => {
    if (++seen > WALK_MAX_ENTRIES) return UNBOUNDED;
    const st = await lstat(path);
    if (st.isSocket()) return path;
    if (!st.isDirectory()) return null;
    const names = await readdir(path);
    if (names.length > 0 && depth >= WALK_MAX_DEPTH) return UNBOUNDED;
    for (const name of names) {
      const hit = await walk(join(path, name), depth + 1);
      if (hit !== null) return hit;
    }
    return null;
  };
  try {
    return await walk(root, 0);
  } catch {
    return UNBOUNDED;
  }
}
