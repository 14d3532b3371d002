import { describe, expect, it } from "vitest";
import { errno, fakeEnv, HARDENED_MOUNTINFO, HARDENED_DEVICES_LIST, judge, UNIX_HEADER } from "./_test-support.ts";
import { p18SocketsNone, p19DevExact, unixSocketPaths, WALK_LIMITS } from "./walk-probes.ts";

describe("P18-SOCKETS-NONE", () => {
  it("passes when the whole tree holds no socket and skips only kernel filesystems", async () => {
    const env = fakeEnv();
    const result = await judge(p18SocketsNone, env);
    expect(result).toMatchObject({ verdict: "PASS", actual: { sockets: [], unreadableDirs: [], boundUnixPaths: [] } });
    expect(result.evidence[1]).toContain("/proc (proc)");
    expect(env.calls.unix).toEqual([]);
  });

  it.each([
    ["/var/run/docker.sock", { "/var": { kind: "dir" as const }, "/var/run": { kind: "dir" as const }, "/var/run/docker.sock": { kind: "socket" as const } }],
    ["/hostrun/user/1000/podman/podman.sock", { "/hostrun": { kind: "dir" as const }, "/hostrun/user": { kind: "dir" as const }, "/hostrun/user/1000": { kind: "dir" as const }, "/hostrun/user/1000/podman": { kind: "dir" as const }, "/hostrun/user/1000/podman/podman.sock": { kind: "socket" as const } }],
    ["/tmp/.X11-unix/X0", { "/tmp/.X11-unix": { kind: "dir" as const }, "/tmp/.X11-unix/X0": { kind: "socket" as const } }],
  ])("finds %s wherever it is (not from a list of paths), tries a unix connect, and fails naming it", async (path, nodes) => {
    const env = fakeEnv({ nodes, connectUnix: () => ({ kind: "connected" }) });
    const result = await judge(p18SocketsNone, env);
    expect(result).toMatchObject({ verdict: "FAIL", actual: { sockets: [path] } });
    expect(env.calls.unix).toEqual([path]);
    expect(result.evidence).toContain(`socket ${path}: connect → connected`);
  });

  it("walks into a mount that hides under a skipped filesystem (a socket bound under /proc)", async () => {
    const env = fakeEnv({
      files: { "/proc/self/mountinfo": `${HARDENED_MOUNTINFO}200 76 0:25 / /proc/driver rw - tmpfs tmpfs rw,size=4k\n` },
      nodes: { "/proc/driver": { kind: "dir" }, "/proc/driver/engine.sock": { kind: "socket" } },
    });
    expect((await judge(p18SocketsNone, env)).actual.sockets).toEqual(["/proc/driver/engine.sock"]);
  });

  it("finds a socket bound onto a file placeholder, which readdir reports as a file", async () => {
    const env = fakeEnv({
      files: { "/proc/self/mountinfo": `${HARDENED_MOUNTINFO}200 75 0:25 /docker.sock /run/engine.sock rw - tmpfs tmpfs rw\n` },
      nodes: { "/run": { kind: "dir" }, "/run/engine.sock": { kind: "socket" } },
    });
    const listDir = env.listDir.bind(env);
    env.listDir = async (path) => (await listDir(path)).map((e) => (e.name === "engine.sock" ? { ...e, kind: "file" as const } : e));
    expect((await judge(p18SocketsNone, env)).actual.sockets).toEqual(["/run/engine.sock"]);
  });

  it("fails on a directory it may not list (a socket could hide there)", async () => {
    const env = fakeEnv({ nodes: { "/srv": errno("EACCES") } });
    const result = await judge(p18SocketsNone, env);
    expect(result).toMatchObject({ verdict: "FAIL", actual: { unreadableDirs: ["/srv (EACCES)"] } });
  });

  it("fails on a socket bound in this network namespace (shared with the host)", async () => {
    const unix = `${UNIX_HEADER}0000000000000000: 00000002 00000000 00010000 0001 01 12345 /run/containerd/containerd.sock\n0000: 00000002 00000000 00010000 0001 01 123 @/abstract\n`;
    expect(await judge(p18SocketsNone, fakeEnv({ files: { "/proc/net/unix": unix } }))).toMatchObject({
      verdict: "FAIL",
      actual: { boundUnixPaths: ["/run/containerd/containerd.sock"] },
    });
    expect(unixSocketPaths(unix)).toEqual(["/run/containerd/containerd.sock"]);
  });

  it("is INCONCLUSIVE, never a pass, when the walk hits its bound", async () => {
    const many = Object.fromEntries(Array.from({ length: WALK_LIMITS.entries + 1 }, (_, i) => [`/big/f${i}`, { kind: "file" as const }]));
    const result = await judge(p18SocketsNone, fakeEnv({ nodes: { "/big": { kind: "dir" }, ...many } }));
    expect(result.verdict).toBe("INCONCLUSIVE");
    expect(result.evidence.at(-1)).toContain("walk stopped");
    let deep: Record<string, { kind: "dir" }> = {};
    let path = "";
    for (let i = 0; i < WALK_LIMITS.depth + 3; i += 1) {
      path += `/d${i}`;
      deep = { ...deep, [path]: { kind: "dir" } };
    }
    expect((await judge(p18SocketsNone, fakeEnv({ nodes: deep }))).verdict).toBe("INCONCLUSIVE");
  });
});

describe("P19-DEV-EXACT", () => {
  it("passes on the attestation container's /dev and device cgroup", async () => {
    expect((await judge(p19DevExact, fakeEnv())).verdict).toBe("PASS");
  });

  it("passes with the device cgroup unreadable (cgroup v2): /dev is then the evidence", async () => {
    const result = await judge(p19DevExact, fakeEnv({ files: { "/sys/fs/cgroup/devices/devices.list": errno("ENOENT") } }));
    expect(result).toMatchObject({ verdict: "PASS", actual: { deviceCgroup: "unavailable" } });
  });

  it.each([
    ["an added device node (/dev/sda)", { "/dev/sda": { kind: "block" as const, mode: 0o660, major: 8, minor: 0 } }, "/dev/sda b 8:0 0660"],
    ["/dev/kmsg", { "/dev/kmsg": { kind: "char" as const, mode: 0o644, major: 1, minor: 11 } }, "/dev/kmsg c 1:11 0644"],
    ["a device under another name", { "/dev/null": { kind: "char" as const, mode: 0o666, major: 1, minor: 1 } }, "/dev/null c 1:1 0666"],
    ["a file dropped in /dev/shm", { "/dev/shm/x": { kind: "file" as const } }, "/dev/shm/x f"],
  ])("fails on %s, naming it", async (_what, nodes, named) => {
    const result = await judge(p19DevExact, fakeEnv({ nodes }));
    expect(result.verdict).toBe("FAIL");
    expect(result.actual.devNodes).toContain(named);
  });

  it("fails on an extra rule in the device cgroup", async () => {
    const result = await judge(p19DevExact, fakeEnv({ files: { "/sys/fs/cgroup/devices/devices.list": `${HARDENED_DEVICES_LIST}b 8:0 rwm\n` } }));
    expect(result.verdict).toBe("FAIL");
  });

  it("is inconclusive when /dev cannot be listed", async () => {
    expect((await judge(p19DevExact, fakeEnv({ nodes: { "/dev": errno("EACCES") } }))).verdict).toBe("INCONCLUSIVE");
  });
});
