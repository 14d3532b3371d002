import { errnoOf } from "./env.ts";
import { readMounts } from "./fs-probes.ts";
import type { MountEntry } from "./parse.ts";
import { inconclusive, listParam, measured, sorted, stringList, type ProbeDefinition } from "./probe.ts";

/** Filesystems the kernel or the runtime makes fresh for the container (never a host directory's contents). */
const PSEUDO_FS = new Set(["proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2", "overlay", "shm"]);

/**
 * One mount as a comparable line: `<point> <source kind> <flags>`.
 * - source kind: the fs type for a whole filesystem (root "/"), with the tmpfs `size=` because
 *   a host tmpfs bound in (e.g. /run) would otherwise look like a fresh one; `<fs>:<root>` for
 *   part of a kernel filesystem (the runtime's masks, e.g. `proc:/sys`, `tmpfs:/null`); and
 *   `bind:<host path>` for part of a disk filesystem, i.e. a host file or directory, with the
 *   64-hex container id in the path replaced by `<id>` (the engine's own hosts/resolv.conf).
 * - flags: ro|rw (the mount's or the superblock's), then whichever of nosuid, nodev, noexec are set.
 * The point keeps mountinfo's octal escapes, so no point can contain the separator.
 */
export function describeMount(mount: MountEntry): string {
  let kind: string;
  if (mount.rawRoot === "/") {
    const size = mount.fsType === "tmpfs" ? mount.superOptions.find((o) => o.startsWith("size=")) : undefined;
    kind = size === undefined ? mount.fsType : `${mount.fsType}(${size})`;
  } else if (PSEUDO_FS.has(mount.fsType)) {
    kind = `${mount.fsType}:${mount.rawRoot}`;
  } else {
    kind = `bind:${mount.rawRoot.replace(/[0-9a-f]{64}/g, "<id>")}`;
  }
  const flags = [mount.readOnly ? "ro" : "rw", ...["nosuid", "nodev", "noexec"].filter((f) => mount.mountOptions.includes(f))];
  return `${mount.rawMountPoint} ${kind} ${flags.join(",")}`;
}

export const p13MountsExact: ProbeDefinition = {
  id: "P13-MOUNTS-EXACT",
  title: "The mount table is exactly the expected one: no extra, missing or weaker mount, no host bind",
  async run(env, expected) {
    const read = await readMounts(env);
    if ("errno" in read) return inconclusive({}, [`/proc/self/mountinfo unreadable (${read.errno})`]);
    if (read.mounts.length === 0) return inconclusive({}, ["/proc/self/mountinfo lists no mount"]);
    const optionalParam = listParam(expected, "optionalMounts") ?? [];
    const optional = stringList(optionalParam);
    if (optional === null) return inconclusive({}, ["expected.optionalMounts is not a list of mount lines"]);
    // Each optional line may be present at most once; it is then taken out of the judged set.
    const pending = [...optional];
    const mounts: string[] = [];
    const evidence = [`mountinfo: ${read.mounts.length} mount(s)`];
    for (const line of read.mounts.map(describeMount)) {
      const at = pending.indexOf(line);
      if (at >= 0) {
        pending.splice(at, 1);
        evidence.push(`optional (engine file): ${line}`);
      } else {
        mounts.push(line);
      }
    }
    const hostBinds = mounts.filter((line) => line.split(" ")[1]?.startsWith("bind:"));
    for (const line of hostBinds) evidence.push(`host bind: ${line}`);
    return measured({ mounts: sorted(mounts), optionalMounts: optionalParam }, evidence);
  },
};

/** Filesystems that hold no regular file a process could create and exec. */
const NO_REGULAR_FILES = new Set(["proc", "sysfs", "cgroup", "cgroup2", "mqueue", "devpts"]);

export const p17WritableNoExec: ProbeDefinition = {
  id: "P17-MOUNTS-NOEXEC",
  title: "Nothing written to a writable mount can be executed",
  async run(env) {
    const read = await readMounts(env);
    if ("errno" in read) return inconclusive({}, [`/proc/self/mountinfo unreadable (${read.errno})`]);
    const evidence: string[] = [];
    const writable: string[] = [];
    const executable: string[] = [];
    const points = [...new Set(read.mounts.filter((m) => !m.readOnly).map((m) => m.mountPoint))];
    for (const point of points) {
      const mount = read.mounts.filter((m) => m.mountPoint === point).at(-1);
      if (mount === undefined || mount.readOnly) continue;
      if (NO_REGULAR_FILES.has(mount.fsType)) {
        evidence.push(`${point} (${mount.fsType}): holds no regular files, not tried`);
        continue;
      }
      const target = `${point === "/" ? "" : point}/.macro-exec-${env.nonce()}`;
      try {
        await env.copyHelperTo(target);
      } catch (error) {
        const code = errnoOf(error);
        if (code === "EMACRONOHELPER") return inconclusive({}, [...evidence, "the syscall helper (the file to exec) is unreadable"]);
        evidence.push(`${point} (${mount.fsType} rw): write refused (${code})`);
        continue;
      }
      writable.push(point);
      try {
        const run = await env.execAt(target, ["nnp"]);
        executable.push(point);
        evidence.push(`${point}: wrote a copy of the helper and EXECUTED it (exit ${run.exitCode ?? run.signal ?? "?"})`);
      } catch (error) {
        evidence.push(`${point}: wrote a copy of the helper, exec refused (${errnoOf(error)})`);
      } finally {
        try {
          await env.unlink(target);
        } catch (error) {
          evidence.push(`${point}: removing ${target} failed (${errnoOf(error)})`);
        }
      }
    }
    return measured({ writableMounts: sorted(writable), executableMounts: sorted(executable) }, evidence);
  },
};
