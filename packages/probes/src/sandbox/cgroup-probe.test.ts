import { describe, expect, it } from "vitest";
import { errno, fakeEnv, judge } from "./_test-support.ts";
import { p16CgroupLimits, parseLimit } from "./cgroup-probe.ts";

const v2 = (pids: string, memory: string) => ({
  files: { "/sys/fs/cgroup/cgroup.controllers": "cpu memory pids\n", "/sys/fs/cgroup/pids.max": pids, "/sys/fs/cgroup/memory.max": memory },
});

describe("P16-CGROUP-LIMITS", () => {
  it("passes on cgroup v1 with --pids-limit 64 --memory 256m", async () => {
    const result = await judge(p16CgroupLimits, fakeEnv());
    expect(result).toMatchObject({
      verdict: "PASS",
      actual: { pidsLimited: true, memoryLimited: true, pidsMax: 64, memoryMaxBytes: 268435456 },
    });
  });

  it("fails on cgroup v1 without a memory limit (the huge sentinel value)", async () => {
    const env = fakeEnv({ files: { "/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n" } });
    expect(await judge(p16CgroupLimits, env)).toMatchObject({ verdict: "FAIL", actual: { memoryLimited: false, memoryMaxBytes: null } });
  });

  it("passes on cgroup v2 and fails on max", async () => {
    expect((await judge(p16CgroupLimits, fakeEnv(v2("64\n", "268435456\n")))).verdict).toBe("PASS");
    expect(await judge(p16CgroupLimits, fakeEnv(v2("max\n", "268435456\n")))).toMatchObject({
      verdict: "FAIL",
      actual: { pidsLimited: false, pidsMax: null },
    });
  });

  it("fails when the limits are looser than the run flags", async () => {
    expect((await judge(p16CgroupLimits, fakeEnv(v2("4096\n", "268435456\n")))).verdict).toBe("FAIL");
  });

  it("is inconclusive when the cgroup files are not visible", async () => {
    const env = fakeEnv({ files: { "/sys/fs/cgroup/pids/pids.max": errno("ENOENT") } });
    expect((await judge(p16CgroupLimits, env)).verdict).toBe("INCONCLUSIVE");
  });

  it("parses limits", () => {
    expect(parseLimit("max")).toEqual({ limited: false, value: null });
    expect(parseLimit("4611686018427387904")).toEqual({ limited: false, value: null });
    expect(parseLimit("12")).toEqual({ limited: true, value: 12 });
    expect(parseLimit("-1")).toBeNull();
  });
});
