import { tryRead, type ProbeEnv } from "./env.ts";
import { inconclusive, measured, type ProbeDefinition } from "./probe.ts";

/** cgroup v1 writes "no limit" as a page-rounded huge number near 2^63. */
const V1_UNLIMITED = 2n ** 62n;

export type Limit = { limited: true; value: number } | { limited: false; value: null };

/** "max" or an integer (v2); a v1 value ≥ 2^62 also means unlimited. */
export function parseLimit(text: string): Limit | null {
  const value = text.trim();
  if (value === "max") return { limited: false, value: null };
  if (!/^\d+$/.test(value)) return null;
  const big = BigInt(value);
  if (big >= V1_UNLIMITED) return { limited: false, value: null };
  return { limited: true, value: Number(big) };
}

async function readLimit(env: ProbeEnv, path: string, evidence: string[]): Promise<Limit | { unreadable: string }> {
  const read = await tryRead(env, path);
  if ("errno" in read) {
    evidence.push(`${path}: ${read.errno}`);
    return { unreadable: read.errno };
  }
  const limit = parseLimit(read.text);
  if (limit === null) {
    evidence.push(`${path}: unparseable`);
    return { unreadable: "unparseable" };
  }
  evidence.push(`${path}: ${limit.limited ? limit.value : "unlimited"}`);
  return limit;
}

export const p16CgroupLimits: ProbeDefinition = {
  id: "P16-CGROUP-LIMITS",
  title: "The cgroup limits processes and memory",
  async run(env) {
    const evidence: string[] = [];
    const v2 = "text" in (await tryRead(env, "/sys/fs/cgroup/cgroup.controllers"));
    evidence.push(`cgroup ${v2 ? "v2" : "v1"} layout`);
    const pids = await readLimit(env, v2 ? "/sys/fs/cgroup/pids.max" : "/sys/fs/cgroup/pids/pids.max", evidence);
    const memory = await readLimit(
      env,
      v2 ? "/sys/fs/cgroup/memory.max" : "/sys/fs/cgroup/memory/memory.limit_in_bytes",
      evidence,
    );
    if ("unreadable" in pids || "unreadable" in memory) return inconclusive({}, evidence);
    // Recorded, not judged: the run flags set no CPU limit (the SSOT has no field for one yet).
    const cpu = await tryRead(env, v2 ? "/sys/fs/cgroup/cpu.max" : "/sys/fs/cgroup/cpu/cpu.cfs_quota_us");
    evidence.push(`cpu quota: ${"text" in cpu ? cpu.text.trim() : cpu.errno} (informational)`);
    return measured(
      {
        pidsLimited: pids.limited,
        memoryLimited: memory.limited,
        pidsMax: pids.value,
        memoryMaxBytes: memory.value,
      },
      evidence,
    );
  },
};
