import { describe, expect, it } from "vitest";
import { errno, fakeEnv, HARDENED_STATUS, judge } from "./_test-support.ts";
import { p06SeccompFilter, p07NoNewPrivs, p08CapsEmpty, p09IdsExact } from "./proc-probes.ts";

const status = (patch: (text: string) => string) => ({ files: { "/proc/self/status": patch(HARDENED_STATUS) } });

describe("P06-PROC-SECCOMP-FILTER", () => {
  it("passes with a filter installed", async () => {
    expect(await judge(p06SeccompFilter, fakeEnv())).toMatchObject({ verdict: "PASS", actual: { seccompMode: 2, filters: 1 } });
  });

  it("fails without seccomp", async () => {
    const env = fakeEnv(status((t) => t.replace("Seccomp:\t2", "Seccomp:\t0").replace("Seccomp_filters:\t1", "Seccomp_filters:\t0")));
    expect(await judge(p06SeccompFilter, env)).toMatchObject({ verdict: "FAIL", actual: { seccompMode: 0, filters: 0 } });
  });

  it("is inconclusive under gVisor, whose procfs cannot show the filter", async () => {
    const env = fakeEnv({ ...status((t) => t.replace("Seccomp:\t2", "Seccomp:\t0")), kernelRelease: "4.4.0-gvisor" });
    expect((await judge(p06SeccompFilter, env)).verdict).toBe("INCONCLUSIVE");
  });

  it("is inconclusive when the kernel has no Seccomp field", async () => {
    const env = fakeEnv(status((t) => t.replace(/Seccomp.*\n/g, "")));
    expect((await judge(p06SeccompFilter, env)).verdict).toBe("INCONCLUSIVE");
  });
});

describe("P07-PROC-NO-NEW-PRIVS", () => {
  it("passes when prctl says 1", async () => {
    expect(await judge(p07NoNewPrivs, fakeEnv())).toMatchObject({ verdict: "PASS", actual: { noNewPrivs: 1 } });
  });

  it("trusts prctl over procfs: fails when prctl says 0 although /proc says 1", async () => {
    const env = fakeEnv({ helper: { nnp: { exitCode: 0, signal: null, stdout: '{"call":"prctl_get_no_new_privs","ret":0,"errno":"none"}' } } });
    expect(await judge(p07NoNewPrivs, env)).toMatchObject({ verdict: "FAIL", actual: { noNewPrivs: 0 } });
  });

  it("falls back to /proc when the helper is absent, and fails on 0", async () => {
    const env = fakeEnv({ ...status((t) => t.replace("NoNewPrivs:\t1", "NoNewPrivs:\t0")), helper: { nnp: errno("ENOENT") } });
    const result = await judge(p07NoNewPrivs, env);
    expect(result).toMatchObject({ verdict: "FAIL", actual: { noNewPrivs: 0 } });
    expect(result.evidence).toContain("helper could not start (ENOENT)");
  });

  it("is inconclusive with neither source", async () => {
    const env = fakeEnv({ ...status((t) => t.replace("NoNewPrivs:\t1\n", "")), helper: { nnp: errno("ENOENT") } });
    expect((await judge(p07NoNewPrivs, env)).verdict).toBe("INCONCLUSIVE");
  });
});

describe("P08-PROC-CAPS-EMPTY", () => {
  it("passes when all five sets are empty", async () => {
    expect((await judge(p08CapsEmpty, fakeEnv())).verdict).toBe("PASS");
  });

  it("fails on a non-empty bounding set even with CapEff empty", async () => {
    const env = fakeEnv(status((t) => t.replace("CapBnd:\t0000000000000000", "CapBnd:\t00000000A80425FB")));
    expect(await judge(p08CapsEmpty, env)).toMatchObject({ verdict: "FAIL", actual: { capBnd: "00000000a80425fb", capEff: "0000000000000000" } });
  });

  it("is inconclusive when a set is missing", async () => {
    const env = fakeEnv(status((t) => t.replace(/CapAmb.*\n/, "")));
    expect((await judge(p08CapsEmpty, env)).verdict).toBe("INCONCLUSIVE");
  });
});

describe("P09-IDS-EXACT", () => {
  it("passes for nobody (65534) with exactly group 65534, who cannot setuid(0)", async () => {
    expect(await judge(p09IdsExact, fakeEnv())).toMatchObject({
      verdict: "PASS",
      actual: { uids: [65534, 65534, 65534, 65534], gids: [65534, 65534, 65534, 65534], groups: [65534], idsAgree: true, setuidErrno: "EPERM" },
    });
  });

  it("fails when only the saved uid is root", async () => {
    const env = fakeEnv(status((t) => t.replace("Uid:\t65534\t65534\t65534\t65534", "Uid:\t65534\t65534\t0\t65534")));
    expect(await judge(p09IdsExact, env)).toMatchObject({ verdict: "FAIL", actual: { uids: [65534, 65534, 0, 65534] } });
  });

  it("fails on ANY extra supplementary group, not only root's: the group of a host directory (e.g. docker's 999)", async () => {
    const env = fakeEnv({
      ...status((t) => t.replace("Groups:\t65534 ", "Groups:\t999 65534")),
      ids: { uid: 65534, euid: 65534, gid: 65534, egid: 65534, groups: [65534, 999] },
    });
    const result = await judge(p09IdsExact, env);
    expect(result).toMatchObject({ verdict: "FAIL", actual: { groups: [999, 65534], idsAgree: true } });
  });

  it("fails on a missing group and on another uid", async () => {
    expect((await judge(p09IdsExact, fakeEnv({ ...status((t) => t.replace("Groups:\t65534 ", "Groups:\t")), ids: { uid: 65534, euid: 65534, gid: 65534, egid: 65534, groups: [] } }))).verdict).toBe("FAIL");
    const other = fakeEnv({ ...status((t) => t.replaceAll("65534", "1000")), ids: { uid: 1000, euid: 1000, gid: 1000, egid: 1000, groups: [1000] } });
    expect((await judge(p09IdsExact, other)).verdict).toBe("FAIL");
  });

  it("fails when the process's own ids disagree with /proc/self/status", async () => {
    const env = fakeEnv({ ids: { uid: 65534, euid: 65534, gid: 65534, egid: 65534, groups: [65534, 0] } });
    expect(await judge(p09IdsExact, env)).toMatchObject({ verdict: "FAIL", actual: { idsAgree: false } });
  });

  it("fails when setuid(0) succeeds", async () => {
    const env = fakeEnv({ setuid: () => undefined });
    expect(await judge(p09IdsExact, env)).toMatchObject({ verdict: "FAIL", actual: { setuidErrno: "none" } });
  });
});
