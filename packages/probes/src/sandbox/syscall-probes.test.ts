import { describe, expect, it } from "vitest";
import { errno, fakeEnv, helperSection, judge, sweepWith, TEST_NONCE } from "./_test-support.ts";
import { runProbes } from "./run.ts";
import type { HelperRun } from "./env.ts";
import { p03MountDenied, p04UsernsDenied, p05SeccompSweep } from "./syscall-probes.ts";

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

const ok = (stdout: string): HelperRun => ({ exitCode: 0, signal: null, stdout: `${stdout}\n` });

describe("P05-SYS-SECCOMP-SWEEP", () => {
  it("passes on the recorded sweep: 0..511, every number off the allowlist EPERM or ENOSYS, clone3 ENOSYS", async () => {
    const env = fakeEnv();
    const result = await judge(p05SeccompSweep, env);
    expect(result.verdict).toBe("PASS");
    expect(result.actual).toMatchObject({ swept: "0-511", killed: [], skipped: [], namespaceFlagsNotDenied: [], socketFamilies: [1, 2, 10], socketpairFamilies: [1], errnoExceptions: { clone3: "ENOSYS" } });
    expect(result.actual.allowlist).toHaveLength(95);
    // The allowlist the probe swept against is the SSOT's, sent to the helper verbatim.
    expect(env.calls.helper.map((args) => args[0])).toEqual(["sweep", "nsflags", "families"]);
    expect(env.calls.helper[2]).toEqual(["families", "1,2,10", "1"]);
  });

  it.each(["keyctl", "io_uring_setup", "bpf", "ptrace", "perf_event_open", "unshare", "setns", "mount", "personality", "nr_400"])(
    "fails when the profile lets %s through, naming it in the allowlist it measured",
    async (call) => {
      const env = fakeEnv({ helper: { sweep: ok(sweepWith({ [call]: "EINVAL" })) } });
      const result = await judge(p05SeccompSweep, env);
      expect(result.verdict).toBe("FAIL");
      expect(result.actual.allowlist).toContain(call);
      expect(result.evidence.join("\n")).toContain(`${call} (`);
    },
  );

  it("fails when a denied call kills the process instead of answering an errno", async () => {
    const result = await judge(p05SeccompSweep, fakeEnv({ helper: { sweep: ok(sweepWith({ keyctl: "SIGSYS" })) } }));
    expect(result).toMatchObject({ verdict: "FAIL", actual: { killed: ["keyctl"] } });
  });

  it("fails when clone3 gets EPERM instead of ENOSYS (glibc would not fall back to clone)", async () => {
    const result = await judge(p05SeccompSweep, fakeEnv({ helper: { sweep: ok(sweepWith({ clone3: "EPERM" })) } }));
    expect(result).toMatchObject({ verdict: "FAIL", actual: { errnoExceptions: { clone3: "EPERM" } } });
  });

  it("does not judge the calls the kernel never filters (uretprobe, uprobe)", async () => {
    const result = await judge(p05SeccompSweep, fakeEnv({ helper: { sweep: ok(sweepWith({ uretprobe: "SIGILL", uprobe: "EINVAL" })) } }));
    expect(result.verdict).toBe("PASS");
  });

  it("fails on a namespace flag clone or unshare lets through", async () => {
    const ns = helperSection("nsflags").replace('{"call":"clone_newuser","ret":-1,"errno":"EPERM"}', '{"call":"clone_newuser","ret":4242,"errno":"none"}');
    const result = await judge(p05SeccompSweep, fakeEnv({ helper: { nsflags: ok(ns) } }));
    expect(result).toMatchObject({ verdict: "FAIL", actual: { namespaceFlagsNotDenied: ["clone_newuser: none"] } });
  });

  it.each([[40, "AF_VSOCK"], [38, "AF_ALG"], [17, "AF_PACKET"], [16, "AF_NETLINK"], [31, "AF_BLUETOOTH"]])(
    "fails when socket family %i (%s) is allowed",
    async (family) => {
      const fam = helperSection("families").replace(`{"call":"socket_af_${family}","ret":-1,"errno":"EPERM"}`, `{"call":"socket_af_${family}","ret":-1,"errno":"EAFNOSUPPORT"}`);
      const result = await judge(p05SeccompSweep, fakeEnv({ helper: { families: ok(fam) } }));
      expect(result.verdict).toBe("FAIL");
      expect(result.actual.socketFamilies).toContain(family);
    },
  );

  it("is inconclusive on a partial sweep (a number missing) and on a helper that cannot run", async () => {
    const partial = helperSection("sweep").split("\n").filter((line) => !line.includes('"nr":250,')).join("\n");
    expect((await judge(p05SeccompSweep, fakeEnv({ helper: { sweep: ok(partial) } }))).verdict).toBe("INCONCLUSIVE");
    expect((await judge(p05SeccompSweep, fakeEnv({ helper: { sweep: errno("ENOENT") } }))).verdict).toBe("INCONCLUSIVE");
  });

  it("is inconclusive without its parameters (never a pass on an empty allowlist check)", async () => {
    const report = await runProbes([{ id: p05SeccompSweep.id, title: "t", expected: { allowlist: [] } }], TEST_NONCE, fakeEnv(), [p05SeccompSweep]);
    expect(report.probes[0]?.verdict).toBe("INCONCLUSIVE");
  });
});
