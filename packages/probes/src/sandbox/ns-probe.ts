import { errnoOf, tryRead, type ProbeEnv } from "./env.ts";
import { dataLines } from "./parse.ts";
import { inconclusive, measured, sorted, type ProbeDefinition } from "./probe.ts";

/** The kernel's fixed inode numbers of the initial (host) namespaces (include/linux/proc_ns.h). */
export const INIT_NS_INODES = {
  pid: 4026531836,
  ipc: 4026531839,
  uts: 4026531838,
  cgroup: 4026531835,
} as const;

// Recorded, not judged here: the user and time namespaces are the host's under a default
// Docker daemon; net is judged by P11/P12 (interfaces, routes) and mnt by P13 (the mount table).
const INFORMATIONAL = ["user", "time", "mnt", "net"] as const;

export function parseNsLink(link: string): number | null {
  const match = /^[a-z_]+:\[(\d+)\]$/.exec(link.trim());
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** pid, ppid and comm from /proc/<pid>/stat ("1 (node) S 0 …"; comm may hold spaces and parens). */
export function parseStat(text: string): { ppid: number; comm: string } | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const ppid = Number(text.slice(close + 2).split(" ")[1]);
  return Number.isSafeInteger(ppid) ? { ppid, comm: text.slice(open + 1, close).slice(0, 16) } : null;
}

const MAX_PROCESSES = 4096;

/**
 * Processes in our pid namespace that are neither us, our ancestors nor our descendants. In a
 * private pid namespace there are none; a namespace shared with the host or another container
 * shows that container's processes.
 */
async function foreignProcesses(env: ProbeEnv, evidence: string[]): Promise<string[] | null> {
  let names: string[];
  try {
    names = (await env.readdir("/proc")).filter((name) => /^\d+$/.test(name));
  } catch (error) {
    evidence.push(`/proc: ${errnoOf(error)}`);
    return null;
  }
  const parents = new Map<number, { ppid: number; comm: string }>();
  for (const name of names.slice(0, MAX_PROCESSES)) {
    const stat = await tryRead(env, `/proc/${name}/stat`);
    // A process that exited since the listing is gone: it cannot be reached any more.
    if ("errno" in stat) continue;
    const parsed = parseStat(stat.text);
    if (parsed !== null) parents.set(Number(name), parsed);
  }
  const ours = new Set<number>();
  for (let pid: number | undefined = env.pid; pid !== undefined && pid > 0 && !ours.has(pid); pid = parents.get(pid)?.ppid) ours.add(pid);
  const isOurs = (pid: number): boolean => {
    const chain = new Set<number>();
    for (let p: number | undefined = pid; p !== undefined && p > 0 && !chain.has(p); p = parents.get(p)?.ppid) {
      if (p === env.pid || ours.has(p)) return true;
      chain.add(p);
    }
    return false;
  };
  const foreign = [...parents.entries()].filter(([pid]) => !isOurs(pid)).map(([pid, info]) => `${pid} (${info.comm})`);
  evidence.push(`/proc: ${names.length} process(es), ${foreign.length} not in our process tree`);
  if (names.length > MAX_PROCESSES) foreign.push(`… ${names.length - MAX_PROCESSES} more not read`);
  return foreign;
}

/** Data lines of /proc/sysvipc/{shm,sem,msg}: SysV objects of this IPC namespace. */
async function sysvObjects(env: ProbeEnv, evidence: string[]): Promise<string[] | null> {
  const objects: string[] = [];
  for (const kind of ["shm", "sem", "msg"]) {
    const read = await tryRead(env, `/proc/sysvipc/${kind}`);
    if ("errno" in read) {
      evidence.push(`/proc/sysvipc/${kind}: ${read.errno}`);
      return null;
    }
    // Key and id only: the other columns are sizes and owners, not what makes an object foreign.
    for (const line of dataLines(read.text)) objects.push(`${kind} key ${line.split(/\s+/)[0] ?? "?"}`);
  }
  return sorted(objects);
}

export const p10NamespacesPrivate: ProbeDefinition = {
  id: "P10-NS-PRIVATE",
  title: "PID, IPC, UTS and cgroup namespaces are private: no foreign process, IPC object or cgroup path is visible",
  async run(env) {
    const evidence: string[] = [];
    const inodes: Partial<Record<keyof typeof INIT_NS_INODES, number>> = {};
    for (const ns of Object.keys(INIT_NS_INODES) as (keyof typeof INIT_NS_INODES)[]) {
      try {
        const inode = parseNsLink(await env.readlink(`/proc/self/ns/${ns}`));
        if (inode === null) return inconclusive({}, [...evidence, `/proc/self/ns/${ns}: unparseable link`]);
        inodes[ns] = inode;
        evidence.push(`${ns}: ${inode} (host's initial: ${INIT_NS_INODES[ns]})`);
      } catch (error) {
        return inconclusive({}, [...evidence, `/proc/self/ns/${ns}: ${errnoOf(error)}`]);
      }
    }
    for (const ns of INFORMATIONAL) {
      try {
        evidence.push(`${ns}: ${parseNsLink(await env.readlink(`/proc/self/ns/${ns}`)) ?? "unparseable"} (informational)`);
      } catch (error) {
        evidence.push(`${ns}: ${errnoOf(error)} (informational)`);
      }
    }
    const foreign = await foreignProcesses(env, evidence);
    const sysv = await sysvObjects(env, evidence);
    // POSIX message queues live in the IPC namespace too, as files of the mqueue filesystem.
    let mqueues: string[] | null;
    try {
      mqueues = sorted(await env.readdir("/dev/mqueue"));
    } catch (error) {
      evidence.push(`/dev/mqueue: ${errnoOf(error)}`);
      mqueues = errnoOf(error) === "ENOENT" ? [] : null;
    }
    const cgroup = await tryRead(env, "/proc/self/cgroup");
    if (foreign === null || sysv === null || mqueues === null || "errno" in cgroup) {
      if (!("text" in cgroup)) evidence.push(`/proc/self/cgroup: ${cgroup.errno}`);
      return inconclusive({}, evidence);
    }
    // In a private cgroup namespace every hierarchy's path is the namespace root.
    const cgroupPaths = sorted(
      [...new Set(dataLines(cgroup.text, 0).map((line) => line.split(":").slice(2).join(":")))],
    );
    evidence.push(`/proc/self/cgroup paths: ${cgroupPaths.join(", ")}`);
    return measured(
      {
        pidNsIsHost: inodes.pid === INIT_NS_INODES.pid,
        ipcNsIsHost: inodes.ipc === INIT_NS_INODES.ipc,
        utsNsIsHost: inodes.uts === INIT_NS_INODES.uts,
        cgroupNsIsHost: inodes.cgroup === INIT_NS_INODES.cgroup,
        foreignProcesses: foreign,
        sysvIpcObjects: sysv,
        mqueues,
        cgroupPaths,
      },
      evidence,
    );
  },
};
