import { isAbsolute, resolve } from "node:path";
import type { RunFlags } from "@macro/ssot";
import { InputError } from "@macro/ssot";
import { ownerLabels } from "./owner.ts";

export interface SandboxMount {
  source: string;
  target: string;
  readOnly: boolean;
}

export interface RunArgsInput {
  name: string;
  image: string;
  flags: RunFlags;
  /** Used when `flags.seccomp` names a profile (anything but "unconfined" / "default"). */
  seccompProfilePath: string;
  command: readonly string[];
  mounts?: readonly SandboxMount[];
  /** Where the command starts inside the container; the image's own when omitted. */
  workdir?: string;
}

export interface RunArgs {
  /** Arguments after `docker run`. */
  args: string[];
  /** Values for the `-e NAME` flags: passed to the CLI's environment, never on its command line. */
  env: Record<string, string>;
}

/** Label on every container we create, so leftovers can be found by it. */
export const SANDBOX_LABEL = "macro.sandbox";

/**
 * The `docker run` arguments for a profile. Each flag appears only when the profile asks
 * for it, so a weakened profile yields a visibly weaker command instead of a silently
 * strengthened one — the probes must see the container the profile describes.
 *
 * Mounts: the profile's own mounts are used as declared. A caller's mount is read-only
 * unless the profile declares the same target writable (the inspector's --out); the
 * caller then supplies the source. Asking for an undeclared writable mount is an input error.
 */
export function buildRunArgs(input: RunArgsInput): RunArgs {
  const { flags } = input;
  const owner = Object.entries(ownerLabels()).flatMap(([k, v]) => ["--label", `${k}=${v}`]);
  const args = ["--rm", "--pull", "never", "--name", input.name, "--label", `${SANDBOX_LABEL}=1`, ...owner, "--network", flags.network];
  // Private namespaces asked for by name, not left to the daemon's defaults (engine-record.ts holds the
  // record to them): on a cgroup v1 host the default cgroup namespace is the host's, whose paths probe
  // P10 refuses.
  args.push("--cgroupns", "private", "--ipc", "private");
  if (flags.readOnly) args.push("--read-only");
  for (const cap of flags.capDrop) args.push("--cap-drop", cap);
  for (const cap of flags.capAdd) args.push("--cap-add", cap);
  if (flags.noNewPrivileges) args.push("--security-opt", "no-new-privileges");
  if (flags.seccomp === "unconfined") args.push("--security-opt", "seccomp=unconfined");
  else if (flags.seccomp !== "default") args.push("--security-opt", `seccomp=${resolve(input.seccompProfilePath)}`);
  args.push("--user", flags.user);
  if (flags.pidsLimit !== null) args.push("--pids-limit", String(flags.pidsLimit));
  if (flags.memory !== null) args.push("--memory", flags.memory, "--memory-swap", flags.memory);
  if (flags.tmpfs !== null) args.push("--tmpfs", flags.tmpfs);

  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(flags.env).sort(([a], [b]) => a.localeCompare(b))) {
    args.push("-e", key);
    env[key] = value;
  }

  for (const m of mergeMounts(flags.mounts, input.mounts ?? [])) {
    // The --mount spec is comma-separated: a comma in a path would smuggle in options.
    if (m.source.includes(",") || m.target.includes(",")) {
      throw new InputError("SANDBOX_MOUNT_PATH", `mount paths must not contain commas: ${m.source} -> ${m.target}`);
    }
    const spec = `type=bind,src=${resolve(m.source)},dst=${m.target}${m.readOnly ? ",readonly" : ""}`;
    args.push("--mount", spec);
  }

  if (input.workdir !== undefined) args.push("--workdir", input.workdir);
  args.push(input.image, ...input.command);
  return { args, env };
}

/** The profile's mounts with the caller's merged in, by the rules above (shared with the API client). */
export function mergeMounts(declared: readonly SandboxMount[], requested: readonly SandboxMount[]): SandboxMount[] {
  const writableTargets = new Set(declared.filter((m) => !m.readOnly).map((m) => m.target));
  const requestedTargets = new Set(requested.map((m) => m.target));
  const out: SandboxMount[] = declared.filter((m) => !requestedTargets.has(m.target));
  for (const m of requested) {
    if (!isAbsolute(m.target)) throw new InputError("SANDBOX_MOUNT_TARGET", `mount target must be absolute: ${m.target}`);
    if (!m.readOnly && !writableTargets.has(m.target)) {
      throw new InputError("SANDBOX_MOUNT_NOT_WRITABLE", `the sandbox profile does not declare ${m.target} writable; mount it read-only`);
    }
    out.push(m);
  }
  return out;
}
