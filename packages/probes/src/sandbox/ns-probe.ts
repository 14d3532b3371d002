import { errnoOf } from "./env.ts";
import { inconclusive, measured, type ProbeDefinition } from "./probe.ts";

/** The kernel's fixed inode numbers of the initial (host) namespaces (include/linux/proc_ns.h). */
export const INIT_NS_INODES = {
  pid: 4026531836,
  ipc: 4026531839,
  uts: 4026531838,
} as const;

// Also recorded, not judged: the user namespace is the host's under a default Docker daemon.
const INFORMATIONAL = ["user", "mnt", "net", "cgroup"] as const;

export function parseNsLink(link: string): number | null {
  const match = /^[a-z_]+:\[(\d+)\]$/.exec(link.trim());
  return match?.[1] === undefined ? null : Number(match[1]);
}

export const p10NotHostNamespaces: ProbeDefinition = {
  id: "P10-NS-NOT-HOST",
  title: "PID, IPC and UTS namespaces are not the host's",
  async run(env) {
    const evidence: string[] = [];
    const inodes: Partial<Record<keyof typeof INIT_NS_INODES, number>> = {};
    for (const ns of Object.keys(INIT_NS_INODES) as (keyof typeof INIT_NS_INODES)[]) {
      try {
        const inode = parseNsLink(await env.readlink(`/proc/self/ns/${ns}`));
        if (inode === null) return inconclusive({}, [...evidence, `/proc/self/ns/${ns}: unparseable link`]);
        inodes[ns] = inode;
        evidence.push(`${ns}: ${inode} (init ${INIT_NS_INODES[ns]})`);
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
    return measured(
      {
        pidNsIsHost: inodes.pid === INIT_NS_INODES.pid,
        ipcNsIsHost: inodes.ipc === INIT_NS_INODES.ipc,
        utsNsIsHost: inodes.uts === INIT_NS_INODES.uts,
      },
      evidence,
    );
  },
};
