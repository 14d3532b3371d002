import { errnoOf, tryRead, type ProbeEnv } from "./env.ts";
import { dataLines } from "./parse.ts";
import { inconclusive, measured, type ProbeDefinition, type ProbeOutcome } from "./probe.ts";

export interface Topology {
  interfaces: string[];
  ipv4Routes: number;
  nonLoIpv6Routes: number;
  evidence: string[];
}

/** Interface names from the /proc/net/dev table ("  lo: 123 …"). */
export function parseNetDev(text: string): string[] {
  return dataLines(text, 2)
    .map((line) => line.split(":")[0]?.trim() ?? "")
    .filter((name) => name.length > 0);
}

/** Reads links and routes from files only: no socket, not even the netlink one os.networkInterfaces() opens. */
export async function readTopology(env: ProbeEnv): Promise<Topology | { failed: string }> {
  const evidence: string[] = [];
  let interfaces: string[];
  try {
    interfaces = await env.readdir("/sys/class/net");
    evidence.push("interfaces from /sys/class/net");
  } catch (error) {
    const dev = await tryRead(env, "/proc/net/dev");
    if ("errno" in dev) return { failed: `/sys/class/net (${errnoOf(error)}) and /proc/net/dev (${dev.errno}) unreadable` };
    interfaces = parseNetDev(dev.text);
    evidence.push(`interfaces from /proc/net/dev (/sys/class/net: ${errnoOf(error)})`);
  }
  interfaces = [...new Set(interfaces)].sort();
  evidence.push(`interfaces: ${interfaces.join(",") || "(none)"}`);

  const route = await tryRead(env, "/proc/net/route");
  if ("errno" in route) return { failed: `/proc/net/route unreadable (${route.errno})` };
  const ipv4Routes = dataLines(route.text).length;
  evidence.push(`/proc/net/route: ${ipv4Routes} route(s)`);

  let nonLoIpv6Routes = 0;
  const route6 = await tryRead(env, "/proc/net/ipv6_route");
  if ("errno" in route6) {
    // The file exists whenever IPv6 is enabled; without IPv6 there are no IPv6 routes at all.
    if (route6.errno !== "ENOENT") return { failed: `/proc/net/ipv6_route unreadable (${route6.errno})` };
    evidence.push("/proc/net/ipv6_route absent (IPv6 disabled)");
  } else {
    const lines = dataLines(route6.text, 0);
    nonLoIpv6Routes = lines.filter((line) => line.split(/\s+/).at(-1) !== "lo").length;
    evidence.push(`/proc/net/ipv6_route: ${lines.length} route(s), ${nonLoIpv6Routes} not on lo`);
  }
  return { interfaces, ipv4Routes, nonLoIpv6Routes, evidence };
}

export const p11LoopbackOnly: ProbeDefinition = {
  id: "P11-NET-TOPOLOGY-LO-ONLY",
  title: "Only the loopback interface exists and no route leaves it",
  async run(env) {
    const topology = await readTopology(env);
    if ("failed" in topology) return inconclusive({}, [topology.failed]);
    const { interfaces, ipv4Routes, nonLoIpv6Routes, evidence } = topology;
    return measured({ interfaces, ipv4Routes, nonLoIpv6Routes }, evidence);
  },
};

/** RFC 5737 TEST-NET-1: never routed on the internet, so even a broken guard sends nothing anywhere real. */
export const EGRESS_TARGET = { host: "192.0.2.1", port: 9, family: 4, timeoutMs: 1000 } as const;

/** Why the connect may not be attempted, or null when the topology proves there is no way out. */
export function egressGuard(topology: Topology): string | null {
  if (topology.interfaces.length !== 1 || topology.interfaces[0] !== "lo") {
    return `interfaces are ${topology.interfaces.join(",") || "(none)"}, not exactly lo`;
  }
  if (topology.ipv4Routes !== 0) return `${topology.ipv4Routes} IPv4 route(s) present`;
  if (topology.nonLoIpv6Routes !== 0) return `${topology.nonLoIpv6Routes} IPv6 route(s) not on lo`;
  return null;
}

const notRun = (evidence: string[]): ProbeOutcome => ({
  status: "not-run-unsafe",
  actual: { connectErrno: "not-attempted" },
  evidence: [...evidence, "connect attempted: no"],
});

export const p12EgressUnreachable: ProbeDefinition = {
  id: "P12-NET-EGRESS-UNREACHABLE",
  title: "A connect to a non-routable address fails without leaving the sandbox",
  async run(env) {
    const topology = await readTopology(env);
    if ("failed" in topology) return notRun([`guard: topology unknown (${topology.failed})`]);
    const blocked = egressGuard(topology);
    if (blocked !== null) return notRun([...topology.evidence, `guard failed: ${blocked}`]);
    const outcome = await env.connect({ ...EGRESS_TARGET });
    const connectErrno = outcome.kind === "error" ? outcome.code : outcome.kind === "timeout" ? "ETIMEDOUT" : "connected";
    return measured({ connectErrno }, [
      ...topology.evidence,
      "guard passed: lo only, no routes",
      `connect attempted: yes, ${EGRESS_TARGET.host}:${EGRESS_TARGET.port}/tcp → ${connectErrno}`,
    ]);
  },
};
