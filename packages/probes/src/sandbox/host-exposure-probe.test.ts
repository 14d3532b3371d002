import { describe, expect, it } from "vitest";
import { errno, fakeEnv, HARDENED_MOUNTINFO, judge, UNIX_HEADER } from "./_test-support.ts";
import { engineUnixPaths, p13HostSocketsAndMounts, sensitiveMounts } from "./host-exposure-probe.ts";
import { parseMountinfo } from "./parse.ts";

const withMount = (line: string) => ({ files: { "/proc/self/mountinfo": `${HARDENED_MOUNTINFO}${line}\n` } });

describe("P13-HOST-SOCKETS-AND-MOUNTS", () => {
  it("passes in a hardened container (Docker's own ro /etc/hosts binds are not host paths)", async () => {
    const result = await judge(p13HostSocketsAndMounts, fakeEnv());
    expect(result).toMatchObject({ verdict: "PASS", actual: { engineSockets: [], sensitiveMounts: [] } });
  });

  it("fails when docker.sock is present, without ever connecting", async () => {
    const env = fakeEnv({ present: { "/var/run/docker.sock": { isSocket: true } } });
    const result = await judge(p13HostSocketsAndMounts, env);
    expect(result).toMatchObject({ verdict: "FAIL", actual: { engineSockets: ["/var/run/docker.sock"] } });
    expect(env.calls.connect).toEqual([]);
  });

  it("counts a socket path it may not inspect (EACCES) as present", async () => {
    const env = fakeEnv({ present: { "/run/containerd/containerd.sock": errno("EACCES") } });
    expect((await judge(p13HostSocketsAndMounts, env)).actual.engineSockets).toEqual(["/run/containerd/containerd.sock"]);
  });

  it("fails on an engine socket listed in /proc/net/unix", async () => {
    const unix = `${UNIX_HEADER}0000000000000000: 00000002 00000000 00010000 0001 01 20520 /run/containerd/containerd.sock.ttrpc\n`;
    const result = await judge(p13HostSocketsAndMounts, fakeEnv({ files: { "/proc/net/unix": unix } }));
    expect(result).toMatchObject({ verdict: "FAIL", actual: { engineSockets: ["unix:/run/containerd/containerd.sock.ttrpc"] } });
  });

  it("fails on a bind-mounted engine socket even when read-only", async () => {
    const env = fakeEnv(withMount("93 72 0:25 /docker.sock /var/run/docker.sock ro,nosuid - tmpfs tmpfs rw"));
    expect((await judge(p13HostSocketsAndMounts, env)).actual.sensitiveMounts).toEqual([
      "socket /docker.sock at /var/run/docker.sock (ro)",
    ]);
  });
});

describe("sensitiveMounts", () => {
  const check = (line: string) => sensitiveMounts(parseMountinfo(line));

  it("flags writable host system directories and a second procfs", () => {
    expect(check("1 0 254:0 /etc /host-etc rw,relatime - ext4 /dev/vda rw")).toEqual(["host /etc at /host-etc (ext4 rw)"]);
    expect(check("1 0 254:0 / /host rw,relatime - ext4 /dev/vda rw")).toEqual(["host / at /host (ext4 rw)"]);
    expect(check("1 0 0:5 / /dev rw - devtmpfs udev rw")).toEqual(["host / at /dev (devtmpfs rw)"]);
    expect(check("1 0 0:42 / /host/proc rw - proc proc rw")).toEqual(["proc at /host/proc (rw)"]);
  });

  it("does not flag read-only host binds, container-private filesystems or Docker's per-container files", () => {
    expect(check("1 0 254:0 /usr /host-usr ro,relatime - ext4 /dev/vda rw")).toEqual([]);
    expect(check("1 0 254:0 /var/lib/docker/containers/abc/hosts /etc/hosts rw - ext4 /dev/vda rw")).toEqual([]);
    expect(check("1 0 0:48 / /tmp rw - tmpfs tmpfs rw")).toEqual([]);
    expect(check("1 0 0:39 / / rw - overlay overlay rw")).toEqual([]);
  });

  it("reads socket paths from /proc/net/unix", () => {
    const text = `${UNIX_HEADER}0: 00000002 0 0 0001 01 1 /run/user/1000/bus\n0: 2 0 0 1 1 2 @abstract\n0: 2 0 0 1 1 3 /tmp/app.sock\n`;
    expect(engineUnixPaths(text)).toEqual(["/run/user/1000/bus"]);
  });
});
