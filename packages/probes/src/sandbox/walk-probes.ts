import { errnoOf, tryRead, type NodeKind, type ProbeEnv } from "./env.ts";
import { readMounts } from "./fs-probes.ts";
import { dataLines, mountFor, type MountEntry } from "./parse.ts";
import { inconclusive, measured, sorted, type ProbeDefinition } from "./probe.ts";

/** Kernel filesystems that cannot hold a socket inode: their contents are not walked (their mount points are). */
const NO_SOCKETS_FS = new Set(["proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue"]);

/** Bounds of the walk: reaching either makes the probe INCONCLUSIVE, never a pass. */
export const WALK_LIMITS = { entries: 50_000, depth: 32 } as const;

export interface WalkResult {
  sockets: string[];
  unreadable: string[];
  entries: number;
  skipped: string[];
  bounded: string | null;
}

const join = (dir: string, name: string) => (dir === "/" ? `/${name}` : `${dir}/${name}`);

/**
 * Walks every directory reachable from / and from every mount point (a mount can hide under a
 * skipped filesystem), links not followed, each directory once. The contents of proc, sysfs,
 * cgroup, devpts and mqueue filesystems are not walked: no socket can live there, and /proc
 * alone would be larger than the rest of the image. Every mount point is lstat'ed itself:
 * readdir reports the type of the placeholder under a mount, so a socket bound onto a file
 * placeholder (`-v /run/docker.sock:/x.sock`) shows up only that way.
 */
export async function walkForSockets(env: ProbeEnv, mounts: MountEntry[]): Promise<WalkResult> {
  const result: WalkResult = { sockets: [], unreadable: [], entries: 0, skipped: [], bounded: null };
  const seen = new Set<string>();
  for (const point of new Set(mounts.map((m) => m.mountPoint))) {
    try {
      if ((await env.lstat(point)).kind === "socket") result.sockets.push(point);
    } catch (error) {
      result.unreadable.push(`${point} (${errnoOf(error)})`);
    }
  }
  const stack: { path: string; depth: number }[] = ["/", ...mounts.map((m) => m.mountPoint)].map((path) => ({ path, depth: 0 }));
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === undefined) break;
    const { path, depth } = next;
    if (seen.has(path)) continue;
    seen.add(path);
    const fs = mountFor(mounts, path)?.fsType ?? "unknown";
    if (NO_SOCKETS_FS.has(fs)) {
      if (mounts.some((m) => m.mountPoint === path)) result.skipped.push(`${path} (${fs})`);
      continue;
    }
    if (depth > WALK_LIMITS.depth) {
      result.bounded = `depth ${WALK_LIMITS.depth} exceeded at ${path}`;
      return result;
    }
    let entries: { name: string; kind: NodeKind }[];
    try {
      entries = await env.listDir(path);
    } catch (error) {
      const code = errnoOf(error);
      // A mount point that is a file (an engine's /etc/hosts) is no directory to walk.
      if (code !== "ENOTDIR") result.unreadable.push(`${path} (${code})`);
      continue;
    }
    result.entries += entries.length;
    if (result.entries > WALK_LIMITS.entries) {
      result.bounded = `more than ${WALK_LIMITS.entries} entries`;
      return result;
    }
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.kind === "socket" && !result.sockets.includes(child)) result.sockets.push(child);
      else if (entry.kind === "dir") stack.push({ path: child, depth: depth + 1 });
    }
  }
  return result;
}

/** Socket paths bound in this network namespace, from /proc/net/unix (abstract names start with @ and are left out). */
export function unixSocketPaths(text: string): string[] {
  const paths = dataLines(text)
    .map((line) => line.split(/\s+/))
    .filter((fields) => fields.length >= 8)
    .map((fields) => fields.at(-1) ?? "")
    .filter((path) => path.startsWith("/"));
  return [...new Set(paths)].sort();
}

export const p18SocketsNone: ProbeDefinition = {
  id: "P18-SOCKETS-NONE",
  title: "No socket file is reachable anywhere in the visible tree, and none is bound in this network namespace",
  async run(env) {
    const read = await readMounts(env);
    if ("errno" in read) return inconclusive({}, [`/proc/self/mountinfo unreadable (${read.errno})`]);
    const walk = await walkForSockets(env, read.mounts);
    const evidence = [
      `walked ${walk.entries} entries from / and ${read.mounts.length} mount point(s); limits ${WALK_LIMITS.entries} entries, depth ${WALK_LIMITS.depth}`,
      `not walked (no socket can live there): ${walk.skipped.join(", ") || "(none)"}`,
    ];
    if (walk.bounded !== null) return inconclusive({}, [...evidence, `walk stopped: ${walk.bounded}`]);
    for (const dir of walk.unreadable) evidence.push(`unreadable directory: ${dir}`);
    for (const socket of walk.sockets) {
      // A unix connect stays on this machine; it proves the socket answers (nothing is sent).
      const outcome = await env.connectUnix(socket, 500);
      evidence.push(`socket ${socket}: connect → ${outcome.kind === "error" ? outcome.code : outcome.kind}`);
    }
    const unix = await tryRead(env, "/proc/net/unix");
    if ("errno" in unix) return inconclusive({}, [...evidence, `/proc/net/unix unreadable (${unix.errno})`]);
    const bound = unixSocketPaths(unix.text);
    evidence.push(`/proc/net/unix: ${bound.length} path socket(s)`);
    return measured(
      { sockets: sorted(walk.sockets), unreadableDirs: sorted(walk.unreadable), boundUnixPaths: bound },
      evidence,
    );
  },
};

const KIND_LETTER: Record<NodeKind, string> = { file: "f", dir: "d", link: "l", socket: "s", char: "c", block: "b", fifo: "p", other: "?" };

/** Every node under /dev as `<path> <type>[ <major>:<minor> <mode>][ -> <link target>]`. */
async function devNodes(env: ProbeEnv, evidence: string[]): Promise<string[] | null> {
  const nodes: string[] = [];
  const stack = ["/dev"];
  while (stack.length > 0) {
    const dir = stack.pop();
    if (dir === undefined) break;
    let entries: { name: string; kind: NodeKind }[];
    try {
      entries = await env.listDir(dir);
    } catch (error) {
      evidence.push(`${dir}: ${errnoOf(error)}`);
      return null;
    }
    for (const entry of entries) {
      const path = `${dir}/${entry.name}`;
      let line = `${path} ${KIND_LETTER[entry.kind]}`;
      if (entry.kind === "char" || entry.kind === "block") {
        const info = await env.lstat(path);
        line += ` ${info.major}:${info.minor} ${info.mode.toString(8).padStart(4, "0")}`;
      } else if (entry.kind === "link") {
        line += ` -> ${await env.readlink(path)}`;
      } else if (entry.kind === "dir") {
        stack.push(path);
      }
      nodes.push(line);
      if (nodes.length > 4096) {
        evidence.push("more than 4096 nodes under /dev");
        return null;
      }
    }
  }
  return sorted(nodes);
}

export const DEVICE_CGROUP_UNAVAILABLE = "unavailable";

export const p19DevExact: ProbeDefinition = {
  id: "P19-DEV-EXACT",
  title: "/dev holds exactly the expected nodes and the device cgroup allows exactly the expected devices",
  async run(env) {
    const evidence: string[] = [];
    const nodes = await devNodes(env, evidence);
    if (nodes === null) return inconclusive({}, evidence);
    evidence.push(`/dev: ${nodes.length} node(s)`);
    // cgroup v1 lists the allowed devices; v2 enforces them with an eBPF program nobody can read back.
    const list = await tryRead(env, "/sys/fs/cgroup/devices/devices.list");
    let deviceCgroup: string[] | string;
    if ("errno" in list) {
      deviceCgroup = DEVICE_CGROUP_UNAVAILABLE;
      evidence.push(`devices.list: ${list.errno} (cgroup v2 or not mounted: /dev is the evidence)`);
    } else {
      deviceCgroup = sorted(list.text.split("\n").map((line) => line.trim()).filter((line) => line.length > 0));
      evidence.push(`devices.list: ${deviceCgroup.length} rule(s)`);
    }
    return measured({ devNodes: nodes, deviceCgroup }, evidence);
  },
};
