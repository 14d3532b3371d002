import { describe, it, expect } from "vitest";
import { checkSandbox, interfacesFromProcNetDev, parseStatus, rootMountOptions } from "./sandbox.ts";
import { fakeContext, SANDBOX_MOUNTINFO, SANDBOX_STATUS } from "./fake-context.ts";

const HOST_MOUNTINFO = "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n22 27 0:21 / /proc rw,relatime - proc proc rw";

describe("L3 readers", () => {
  it("finds the options of the topmost / mount", () => {
    expect(rootMountOptions(SANDBOX_MOUNTINFO)?.mount).toContain("ro");
    expect(rootMountOptions(HOST_MOUNTINFO)?.mount).toContain("rw");
    const stacked = `${SANDBOX_MOUNTINFO}\n700 600 0:60 / / rw,relatime - overlay overlay rw`;
    expect(rootMountOptions(stacked)?.mount).toContain("rw");
    expect(rootMountOptions("garbage line\n")).toBeUndefined();
  });

  it("parses /proc/self/status fields and /proc/net/dev names", () => {
    expect(parseStatus(SANDBOX_STATUS).get("Seccomp")).toBe("2");
    const dev = "Inter-|   Receive\n face |bytes\n    lo: 0 0 0\n  eth0: 1 2 3\n";
    expect(interfacesFromProcNetDev(dev)).toEqual(["lo", "eth0"]);
  });
});

describe("L3 sandbox self-check", () => {
  it("passes inside a deny-by-default sandbox", () => {
    expect(checkSandbox(fakeContext())).toEqual({ ok: true });
  });

  it("[#40] refuses a writable root filesystem", () => {
    const verdict = checkSandbox(fakeContext({ files: { "/proc/self/mountinfo": HOST_MOUNTINFO } }));
    expect(verdict).toMatchObject({ ok: false, code: "L3_ROOT_WRITABLE" });
  });

  it("[#40] refuses when mountinfo cannot be read", () => {
    const ctx = fakeContext();
    const verdict = checkSandbox({ ...ctx, readFile: () => { throw new Error("EACCES"); } });
    expect(verdict).toMatchObject({ ok: false, code: "L3_ROOT_WRITABLE" });
  });

  it("[#40] refuses any interface but lo, and an unobservable network", () => {
    const eth = checkSandbox(fakeContext({ dirs: { "/sys/class/net": ["eth0", "lo"] } }));
    expect(eth).toMatchObject({ ok: false, code: "L3_NETWORK" });
    expect(eth.ok ? "" : eth.reason).toContain("eth0");
    const blind = fakeContext();
    const noSysfs = { ...blind, readDir: (): string[] => { throw new Error("ENOENT"); } };
    expect(checkSandbox(noSysfs)).toMatchObject({ ok: false, code: "L3_NETWORK" });
  });

  it("falls back to /proc/net/dev when sysfs is masked", () => {
    const dev = "h1\nh2\n    lo: 0 0\n";
    const base = fakeContext({ files: { "/proc/net/dev": dev } });
    expect(checkSandbox({ ...base, readDir: () => [] })).toEqual({ ok: true });
  });

  it("[#40] refuses uid 0", () => {
    expect(checkSandbox(fakeContext({ uid: 0 }))).toMatchObject({ ok: false, code: "L3_ROOT_USER" });
  });

  it("[#40] refuses without NoNewPrivs and without a seccomp filter", () => {
    const nnp = SANDBOX_STATUS.replace("NoNewPrivs:\t1", "NoNewPrivs:\t0");
    expect(checkSandbox(fakeContext({ files: { "/proc/self/status": nnp } }))).toMatchObject({ code: "L3_NO_NEW_PRIVS" });
    const seccomp = SANDBOX_STATUS.replace("Seccomp:\t2", "Seccomp:\t0");
    expect(checkSandbox(fakeContext({ files: { "/proc/self/status": seccomp } }))).toMatchObject({ code: "L3_SECCOMP" });
    const absent = SANDBOX_STATUS.replace("Seccomp:\t2", "");
    expect(checkSandbox(fakeContext({ files: { "/proc/self/status": absent } }))).toMatchObject({ code: "L3_SECCOMP" });
  });
});
