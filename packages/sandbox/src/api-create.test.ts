import { describe, expect, it } from "vitest";
import type { RunFlags } from "@macro/ssot";
import { InputError } from "@macro/ssot";
import { buildCreateBody, memoryBytes } from "./api-create.ts";
import { frameSink } from "./api-frames.ts";
import { frame } from "./_fake-engine.ts";
import { REFERENCE_STRICT_RUN_FLAGS } from "./reference-profile.ts";
import { buildRunArgs } from "./run-args.ts";

const strict = REFERENCE_STRICT_RUN_FLAGS;
const SECCOMP = '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": []\n}\n';
const input = (flags: RunFlags, mounts?: { source: string; target: string; readOnly: boolean }[]) => ({
  name: "macro-test",
  image: "img:1",
  flags,
  seccompProfilePath: "/p/seccomp.json",
  command: ["-e", "0"],
  ...(mounts ? { mounts } : {}),
});

describe("buildCreateBody", () => {
  it("asks for every strict flag the CLI command line carries, the seccomp profile inlined compact", () => {
    const body = buildCreateBody(input(strict), SECCOMP);
    expect(body.HostConfig).toEqual({
      AutoRemove: true,
      CgroupnsMode: "private",
      NetworkMode: "none",
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      CapAdd: [],
      SecurityOpt: ["no-new-privileges", 'seccomp={"defaultAction":"SCMP_ACT_ERRNO","syscalls":[]}'],
      PidsLimit: 64,
      Memory: 512 * 1024 * 1024,
      Tmpfs: { "/tmp": "rw,noexec,nosuid,nodev,size=64m" },
      Mounts: [],
    });
    expect([body.Image, body.Cmd, body.User, body.Labels, body.Tty, body.OpenStdin]).toEqual(["img:1", ["-e", "0"], "65534:65534", { "macro.sandbox": "1" }, false, false]);
    expect(body.NetworkDisabled).toBe(true);
    // The same flags, flag by flag, on the CLI path.
    const { args } = buildRunArgs(input(strict));
    for (const flag of ["--rm", "--read-only", "--network", "--cap-drop", "--user", "--pids-limit", "--memory", "--tmpfs"]) expect(args).toContain(flag);
  });

  it("a weakened profile is visibly weaker, as on the command line", () => {
    const weak: RunFlags = { ...strict, readOnly: false, noNewPrivileges: false, seccomp: "unconfined", user: "0:0", pidsLimit: null, memory: null, tmpfs: null, capAdd: ["SYS_ADMIN"] };
    const body = buildCreateBody(input(weak), null);
    expect(body.HostConfig).toEqual({ AutoRemove: true, CgroupnsMode: "private", NetworkMode: "none", ReadonlyRootfs: false, CapDrop: ["ALL"], CapAdd: ["SYS_ADMIN"], SecurityOpt: ["seccomp=unconfined"], Mounts: [] });
    expect(body.User).toBe("0:0");
    expect(buildCreateBody(input({ ...strict, seccomp: "default", noNewPrivileges: false }), null).HostConfig.SecurityOpt).toEqual([]);
  });

  it("networking is disabled on top of network none only: a named network stays a network", () => {
    expect(buildCreateBody(input({ ...strict, network: "macro-internal" }), SECCOMP)).toMatchObject({ NetworkDisabled: false, HostConfig: { NetworkMode: "macro-internal" } });
    expect(buildCreateBody(input({ ...strict, network: "host" }), SECCOMP)).toMatchObject({ NetworkDisabled: false, HostConfig: { NetworkMode: "host" } });
  });

  it("env values go in the body, sorted by name", () => {
    expect(buildCreateBody(input({ ...strict, env: { B: "2", A: "x=y" } }), SECCOMP).Env).toEqual(["A=x=y", "B=2"]);
  });

  it("mounts follow the same rules as the CLI path: read-only unless the profile declares the target writable", () => {
    const body = buildCreateBody(input(strict, [{ source: "/in/packet", target: "/in", readOnly: true }]), SECCOMP);
    expect(body.HostConfig.Mounts).toEqual([{ Type: "bind", Source: "/in/packet", Target: "/in", ReadOnly: true }]);
    expect(() => buildCreateBody(input(strict, [{ source: "/tmp/out", target: "/out", readOnly: false }]), SECCOMP)).toThrow(InputError);
  });

  it("a named seccomp profile that was not read is an input error, never a silent default", () => {
    expect(() => buildCreateBody(input(strict), null)).toThrow(InputError);
  });
});

describe("memoryBytes", () => {
  it("reads the CLI's binary units", () => {
    expect([memoryBytes("256m"), memoryBytes("1g"), memoryBytes("512k"), memoryBytes("1024"), memoryBytes("2GB"), memoryBytes("1.5m")]).toEqual([
      256 * 1024 ** 2, 1024 ** 3, 512 * 1024, 1024, 2 * 1024 ** 3, 1.5 * 1024 ** 2,
    ]);
  });
  it("refuses anything else", () => {
    for (const bad of ["", "m", "12x", "-1m", "1e3m"]) expect(() => memoryBytes(bad)).toThrow(InputError);
  });
});

describe("frameSink", () => {
  it("reassembles frames split across and packed into chunks", () => {
    const bytes = Buffer.concat([frame(1, "hello "), frame(2, "warn"), frame(1, "world")]);
    const sink = frameSink(1 << 20);
    for (let i = 0; i < bytes.length; i += 3) sink.push(bytes.subarray(i, i + 3));
    expect([sink.end(), sink.stdout, sink.stderr, sink.error]).toEqual([true, "hello world", "warn", null]);
  });
  it("keeps multi-byte characters split between frames intact", () => {
    const euro = Buffer.from("€");
    const header = (n: number) => Buffer.from([1, 0, 0, 0, 0, 0, 0, n]);
    const sink = frameSink(1 << 20);
    sink.push(Buffer.concat([header(1), euro.subarray(0, 1), header(2), euro.subarray(1)]));
    expect(sink.stdout).toBe("€");
  });
  it("refuses a bad header, a truncated frame and output past the cap", () => {
    const bad = frameSink(100);
    bad.push(Buffer.from([1, 9, 0, 0, 0, 0, 0, 0]));
    expect(bad.error).toBe("attach stream: malformed frame header");
    const cut = frameSink(100);
    cut.push(frame(1, "abcdef").subarray(0, 10));
    expect([cut.end(), cut.error]).toEqual([false, "attach stream: ended inside a frame"]);
    const big = frameSink(4);
    big.push(frame(1, "12345"));
    expect(big.error).toBe("attach stream: output larger than 4 bytes");
  });
});
