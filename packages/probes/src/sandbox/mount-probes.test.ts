import { describe, expect, it } from "vitest";
import { errno, fakeEnv, HARDENED_MOUNTINFO, judge } from "./_test-support.ts";
import { describeMount, p13MountsExact, p17WritableNoExec } from "./mount-probes.ts";
import { parseMountinfo } from "./parse.ts";

const ID = "071d4ce6e51ec48db446123398a2280ba46d4c43535520e3783be1a895d332e9";
const withLine = (line: string) => ({ files: { "/proc/self/mountinfo": `${HARDENED_MOUNTINFO}${line}\n` } });
const replaced = (from: string, to: string) => ({ files: { "/proc/self/mountinfo": HARDENED_MOUNTINFO.replace(from, to) } });

describe("describeMount", () => {
  const one = (line: string) => {
    const [mount] = parseMountinfo(line);
    if (mount === undefined) throw new Error("unparsed");
    return describeMount(mount);
  };
  it("names the source kind: fresh fs (tmpfs with its size), part of a kernel fs, or a host bind with the id masked", () => {
    expect(one("93 75 0:49 / /tmp rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,size=16384k")).toBe("/tmp tmpfs(size=16384k) rw,nosuid,nodev,noexec");
    expect(one("57 76 0:44 /null /proc/keys rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755")).toBe("/proc/keys tmpfs:/null rw,nosuid");
    expect(one(`95 75 254:0 /var/lib/docker/containers/${ID}/hosts /etc/hosts ro,relatime - ext4 /dev/vda rw`)).toBe("/etc/hosts bind:/var/lib/docker/containers/<id>/hosts ro");
    expect(one("79 75 0:46 / /sys rw,nosuid - sysfs sysfs ro")).toBe("/sys sysfs ro,nosuid");
  });
  it("keeps mountinfo's escapes, so a point with a space cannot pose as a point and a kind", () => {
    expect(one("9 1 0:1 / /a\\040tmpfs rw - tmpfs tmpfs rw")).toBe("/a\\040tmpfs tmpfs rw");
  });
});

describe("P13-MOUNTS-EXACT", () => {
  it("passes on the attestation container's mount table; the engine's /etc/hostname is an optional line", async () => {
    const result = await judge(p13MountsExact, fakeEnv());
    expect(result.verdict).toBe("PASS");
    expect(result.evidence).toContain(`optional (engine file): /etc/hostname bind:/var/lib/docker/containers/<id>/hostname ro`);
  });

  it.each([
    ["a read-only bind of a host directory holding the engine socket", `200 75 254:0 /run /hostrun ro,relatime - ext4 /dev/vda rw`, "/hostrun bind:/run ro"],
    ["a read-write host bind", `200 75 254:0 /home/op/src /src rw,relatime - ext4 /dev/vda rw`, "/src bind:/home/op/src rw"],
    ["a bind of a single host socket file", `200 75 0:25 /docker.sock /var/run/docker.sock rw,nosuid,nodev,noexec - tmpfs tmpfs rw,size=100k`, "/var/run/docker.sock tmpfs:/docker.sock rw,nosuid,nodev,noexec"],
    ["an exec tmpfs", `200 75 0:60 / /scratch rw,nosuid,nodev - tmpfs tmpfs rw,size=1024k`, "/scratch tmpfs(size=1024k) rw,nosuid,nodev"],
    ["the host's /proc mounted elsewhere", `200 75 0:5 / /host/proc rw - proc proc rw`, "/host/proc proc rw"],
    ["a second engine file", `200 75 254:0 /var/lib/docker/containers/${ID}/hosts /etc/hosts ro - ext4 /dev/vda rw`, null],
  ])("fails on %s, naming it", async (_what, line, named) => {
    const result = await judge(p13MountsExact, fakeEnv(withLine(line)));
    if (named === null) {
      // Optional lines may appear once each: /etc/hosts is optional, so this one passes …
      expect(result.verdict).toBe("PASS");
      // … but not twice.
      expect((await judge(p13MountsExact, fakeEnv(withLine(`${line}\n${line}`)))).verdict).toBe("FAIL");
      return;
    }
    expect(result.verdict).toBe("FAIL");
    expect(result.actual.mounts).toContain(named);
  });

  it.each([
    ["/tmp without noexec", "/tmp rw,nosuid,nodev,noexec,relatime", "/tmp rw,nosuid,nodev,relatime"],
    ["/dev/shm without nosuid", "/dev/shm rw,nosuid,nodev,noexec,relatime", "/dev/shm rw,nodev,noexec,relatime"],
    ["a writable root", "/ / ro,relatime", "/ / rw,relatime"],
    ["/proc/sys writable", "/sys /proc/sys ro,nosuid", "/sys /proc/sys rw,nosuid"],
    ["a bigger /tmp", "rw,size=16384k", "rw,size=1048576k"],
    ["a host tmpfs in place of a fresh /tmp (another size)", "0:49 / /tmp rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,size=16384k", "0:24 / /tmp rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,size=401540k,mode=755"],
  ])("fails on a weaker or different mount: %s", async (_what, from, to) => {
    expect(HARDENED_MOUNTINFO).toContain(from);
    expect((await judge(p13MountsExact, fakeEnv(replaced(from, to)))).verdict).toBe("FAIL");
  });

  it("fails on a missing mount (a masked path the engine did not mask)", async () => {
    const env = fakeEnv({ files: { "/proc/self/mountinfo": HARDENED_MOUNTINFO.split("\n").filter((l) => !l.includes(" /proc/keys ")).join("\n") } });
    const result = await judge(p13MountsExact, env);
    expect(result.verdict).toBe("FAIL");
    expect(result.actual.mounts).not.toContain("/proc/keys tmpfs:/null rw,nosuid");
  });

  it("is inconclusive without a readable or non-empty mount table", async () => {
    expect((await judge(p13MountsExact, fakeEnv({ files: { "/proc/self/mountinfo": errno("EACCES") } }))).verdict).toBe("INCONCLUSIVE");
    expect((await judge(p13MountsExact, fakeEnv({ files: { "/proc/self/mountinfo": "" } }))).verdict).toBe("INCONCLUSIVE");
  });
});

describe("P17-MOUNTS-NOEXEC", () => {
  it("passes when /tmp and /dev/shm take a copy of the helper but refuse to exec it, and cleans up", async () => {
    const env = fakeEnv();
    const result = await judge(p17WritableNoExec, env);
    expect(result).toMatchObject({ verdict: "PASS", actual: { writableMounts: ["/dev/shm", "/tmp"], executableMounts: [] } });
    expect(env.calls.executed).toEqual(["/dev/shm/.macro-exec-0123456789abcdef", "/tmp/.macro-exec-0123456789abcdef"]);
    expect(env.calls.unlink).toEqual(env.calls.executed);
    // Tried on every writable mount, not only the expected ones.
    expect(env.calls.written).toContain("/dev/.macro-exec-0123456789abcdef");
    expect(env.calls.written).toContain("/sys/fs/cgroup/.macro-exec-0123456789abcdef");
  });

  it("fails on an exec tmpfs: the copy ran", async () => {
    const env = fakeEnv({ ...withLine("200 75 0:60 / /scratch rw,nosuid,nodev - tmpfs tmpfs rw,size=1024k"), writableDirs: ["/tmp", "/dev/shm", "/scratch"], execDirs: ["/scratch"] });
    expect(await judge(p17WritableNoExec, env)).toMatchObject({ verdict: "FAIL", actual: { writableMounts: ["/dev/shm", "/scratch", "/tmp"], executableMounts: ["/scratch"] } });
  });

  it("fails on a writable mount nobody declared, even a noexec one", async () => {
    const env = fakeEnv({ ...withLine("200 75 254:0 /srv/out /out rw,nosuid,nodev,noexec - ext4 /dev/vda rw"), writableDirs: ["/tmp", "/dev/shm", "/out"] });
    expect(await judge(p17WritableNoExec, env)).toMatchObject({ verdict: "FAIL", actual: { writableMounts: ["/dev/shm", "/out", "/tmp"] } });
  });

  it("is inconclusive when the helper (the file to exec) cannot be read", async () => {
    const env = fakeEnv();
    env.copyHelperTo = async () => {
      throw errno("EMACRONOHELPER");
    };
    expect((await judge(p17WritableNoExec, env)).verdict).toBe("INCONCLUSIVE");
  });
});
