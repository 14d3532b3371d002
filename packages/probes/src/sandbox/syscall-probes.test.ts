import { describe, expect, it } from "vitest";
import { errno, fakeEnv, HARDENED_SENTINELS, judge } from "./_test-support.ts";
import type { HelperRun } from "./env.ts";
import { p03MountDenied, p04UsernsDenied, p05SeccompSentinels } from "./syscall-probes.ts";

const out = (...lines: object[]): HelperRun => ({ exitCode: 0, signal: null, stdout: lines.map((l) => JSON.stringify(l)).join("\n") });

describe("P03-SYS-MOUNT-DENIED", () => {
  it("passes on EPERM and asks the helper to mount under /tmp", async () => {
    const env = fakeEnv();
    expect(await judge(p03MountDenied, env)).toMatchObject({ verdict: "PASS", actual: { mountErrno: "EPERM" } });
    expect(env.calls.helper).toEqual([["mount", "/tmp"]]);
  });

  it("fails when the mount succeeded, and records the fallback target", async () => {
    const env = fakeEnv({ helper: { mount: out({ call: "mkdir", ret: -1, errno: "EACCES" }, { call: "mount", ret: 0, errno: "none" }) } });
    const result = await judge(p03MountDenied, env);
    expect(result).toMatchObject({ verdict: "FAIL", actual: { mountErrno: "none" } });
    expect(result.evidence[0]).toContain("mkdir under it: EACCES");
  });

  it("is inconclusive when the helper is missing", async () => {
    const env = fakeEnv({ helper: { mount: errno("ENOENT") } });
    expect(await judge(p03MountDenied, env)).toMatchObject({ verdict: "INCONCLUSIVE", evidence: ["helper could not start (ENOENT)"] });
  });
});

describe("P04-SYS-USERNS-DENIED", () => {
  it("passes when both unshares are refused", async () => {
    expect(await judge(p04UsernsDenied, fakeEnv())).toMatchObject({ verdict: "PASS" });
  });

  it("fails when a user namespace can be created", async () => {
    const env = fakeEnv({
      helper: { unshare: out({ call: "unshare_user", ret: 0, errno: "none" }, { call: "unshare_mount", ret: -1, errno: "EPERM" }) },
    });
    expect(await judge(p04UsernsDenied, env)).toMatchObject({ verdict: "FAIL", actual: { unshareUserErrno: "none" } });
  });

  it("is inconclusive when one call is not reported", async () => {
    const env = fakeEnv({ helper: { unshare: out({ call: "unshare_user", ret: -1, errno: "EPERM" }) } });
    expect((await judge(p04UsernsDenied, env)).verdict).toBe("INCONCLUSIVE");
  });
});

describe("P05-SYS-SECCOMP-SENTINELS", () => {
  it("passes when every sentinel gets EPERM and clone3 gets ENOSYS", async () => {
    const result = await judge(p05SeccompSentinels, fakeEnv());
    expect(result).toMatchObject({ verdict: "PASS", actual: { deniedWithEperm: true, clone3Errno: "ENOSYS", killedBySignal: false } });
    expect(Object.keys(result.actual.results as object)).toHaveLength(21);
  });

  it("fails under Docker's default profile, as observed (io_uring, ptrace and vsock allowed)", async () => {
    const observed = HARDENED_SENTINELS.replace('"io_uring_setup","ret":-1,"errno":"EPERM"', '"io_uring_setup","ret":-1,"errno":"EFAULT"')
      .replace('"ptrace","ret":-1,"errno":"EPERM"', '"ptrace","ret":-1,"errno":"ESRCH"')
      .replace('"socket_af_vsock","ret":-1,"errno":"EPERM"', '"socket_af_vsock","ret":3,"errno":"none"');
    const env = fakeEnv({ helper: { sentinels: { exitCode: 0, signal: null, stdout: observed } } });
    const result = await judge(p05SeccompSentinels, env);
    expect(result.verdict).toBe("FAIL");
    expect(result.actual).toMatchObject({ deniedWithEperm: false, results: { io_uring_setup: "EFAULT", ptrace: "ESRCH", socket_af_vsock: "none" } });
  });

  it("fails when a sentinel kills its child with SIGSYS", async () => {
    const killed = HARDENED_SENTINELS.replace('{"call":"io_uring_setup","ret":-1,"errno":"EPERM"}', '{"call":"io_uring_setup","ret":-1,"errno":"none","signal":"SIGSYS"}');
    const env = fakeEnv({ helper: { sentinels: { exitCode: 0, signal: null, stdout: killed } } });
    const result = await judge(p05SeccompSentinels, env);
    expect(result).toMatchObject({ verdict: "FAIL", actual: { killedBySignal: true, deniedWithEperm: false } });
  });

  it("fails when clone3 is answered with EPERM (glibc would not fall back to clone)", async () => {
    const eperm = HARDENED_SENTINELS.replace('"clone3","ret":-1,"errno":"ENOSYS"', '"clone3","ret":-1,"errno":"EPERM"');
    const env = fakeEnv({ helper: { sentinels: { exitCode: 0, signal: null, stdout: eperm } } });
    expect(await judge(p05SeccompSentinels, env)).toMatchObject({ verdict: "FAIL", actual: { clone3Errno: "EPERM" } });
  });

  it("is inconclusive, never a pass, when a sentinel is missing from the output", async () => {
    const partial = HARDENED_SENTINELS.split("\n").filter((line) => !line.includes('"bpf"')).join("\n");
    const env = fakeEnv({ helper: { sentinels: { exitCode: 0, signal: null, stdout: partial } } });
    const result = await judge(p05SeccompSentinels, env);
    expect(result.verdict).toBe("INCONCLUSIVE");
    expect(result.evidence).toEqual(["helper did not report: bpf"]);
  });
});
