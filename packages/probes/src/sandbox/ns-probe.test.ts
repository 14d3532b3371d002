import { describe, expect, it } from "vitest";
import { errno, fakeEnv, judge } from "./_test-support.ts";
import { p10NamespacesPrivate, parseNsLink, parseStat } from "./ns-probe.ts";

const stat = (pid: number, comm: string, ppid: number) => `${pid} (${comm}) S ${ppid} 1 1 0 -1 4194560 0 0\n`;

describe("P10-NS-PRIVATE", () => {
  it("passes with private pid/ipc/uts/cgroup namespaces, only our own process, no IPC object, cgroup paths /", async () => {
    const result = await judge(p10NamespacesPrivate, fakeEnv());
    expect(result).toMatchObject({
      verdict: "PASS",
      actual: { pidNsIsHost: false, cgroupNsIsHost: false, foreignProcesses: [], sysvIpcObjects: [], mqueues: [], cgroupPaths: ["/"] },
    });
    expect(result.evidence).toContain("user: 4026531837 (informational)");
  });

  it.each(["pid:[4026531836]", "ipc:[4026531839]", "uts:[4026531838]", "cgroup:[4026531835]"])("fails when a namespace is the host's (%s)", async (link) => {
    const ns = link.slice(0, link.indexOf(":"));
    expect((await judge(p10NamespacesPrivate, fakeEnv({ links: { [`/proc/self/ns/${ns}`]: link } }))).verdict).toBe("FAIL");
  });

  it("fails on a pid namespace shared with another container: its process is foreign", async () => {
    // --pid container:X: X's process is pid 1, we are pid 7 with a parent outside the namespace.
    const env = fakeEnv({ pid: 7, dirs: { "/proc": ["1", "7", "self"] }, files: { "/proc/1/stat": stat(1, "sleep", 0), "/proc/7/stat": stat(7, "node", 0) } });
    expect(await judge(p10NamespacesPrivate, env)).toMatchObject({ verdict: "FAIL", actual: { foreignProcesses: ["1 (sleep)"] } });
  });

  it("accepts our own children and an init that started us (docker --init)", async () => {
    const env = fakeEnv({
      pid: 7,
      dirs: { "/proc": ["1", "7", "9"] },
      files: { "/proc/1/stat": stat(1, "docker-init", 0), "/proc/7/stat": stat(7, "node", 1), "/proc/9/stat": stat(9, "syscall-probe", 7) },
    });
    expect((await judge(p10NamespacesPrivate, env)).actual.foreignProcesses).toEqual([]);
  });

  it("fails on an IPC namespace shared with a container that holds SysV objects or POSIX queues", async () => {
    const shm = "       key      shmid perms size\n     12345      32769   600  4096\n";
    const result = await judge(p10NamespacesPrivate, fakeEnv({ files: { "/proc/sysvipc/shm": shm }, dirs: { "/dev/mqueue": ["jobs"] } }));
    expect(result).toMatchObject({ verdict: "FAIL", actual: { sysvIpcObjects: ["shm key 12345"], mqueues: ["jobs"] } });
  });

  it("fails when /proc/self/cgroup shows the host's paths (no private cgroup namespace)", async () => {
    const result = await judge(p10NamespacesPrivate, fakeEnv({ files: { "/proc/self/cgroup": "1:cpu:/docker/071d4ce6\n0::/docker/071d4ce6\n" } }));
    expect(result).toMatchObject({ verdict: "FAIL", actual: { cgroupPaths: ["/docker/071d4ce6"] } });
  });

  it("is inconclusive when a judged link, /proc or sysvipc cannot be read", async () => {
    expect((await judge(p10NamespacesPrivate, fakeEnv({ links: { "/proc/self/ns/ipc": "garbage" } }))).verdict).toBe("INCONCLUSIVE");
    expect((await judge(p10NamespacesPrivate, fakeEnv({ dirs: { "/proc": errno("EACCES") } }))).verdict).toBe("INCONCLUSIVE");
    expect((await judge(p10NamespacesPrivate, fakeEnv({ files: { "/proc/sysvipc/msg": errno("EACCES") } }))).verdict).toBe("INCONCLUSIVE");
  });

  it("parses ns links and stat lines strictly", () => {
    expect(parseNsLink("uts:[4026531838]")).toBe(4026531838);
    expect(parseNsLink("uts:4026531838")).toBeNull();
    expect(parseStat("12 (a (b) c) R 3 12")).toEqual({ ppid: 3, comm: "a (b) c" });
    expect(parseStat("garbage")).toBeNull();
  });
});
