import { describe, expect, it } from "vitest";
import { errno, fakeEnv, HARDENED_MOUNTINFO, judge } from "./_test-support.ts";
import { p01RootReadOnly, p02ProcMasked } from "./fs-probes.ts";

const RW_ROOT = HARDENED_MOUNTINFO.replace("/ / ro,relatime", "/ / rw,relatime");

describe("P01-FS-ROOT-RO", () => {
  it("passes on a read-only root that refuses the create with EROFS", async () => {
    const env = fakeEnv();
    const result = await judge(p01RootReadOnly, env);
    expect(result).toMatchObject({ verdict: "PASS", actual: { rootMountReadOnly: true, writeErrno: "EROFS" } });
    expect(env.calls.opened).toEqual(["/.macro-attest-0123456789abcdef"]);
  });

  it("fails on a writable root and removes the file it managed to create", async () => {
    const env = fakeEnv({ files: { "/proc/self/mountinfo": RW_ROOT }, openForWrite: () => undefined });
    const result = await judge(p01RootReadOnly, env);
    expect(result).toMatchObject({ verdict: "FAIL", actual: { rootMountReadOnly: false, writeErrno: "none" } });
    expect(env.calls.unlink).toEqual(["/.macro-attest-0123456789abcdef"]);
  });

  it("fails when a rw root merely refuses a non-root user (EACCES is not EROFS)", async () => {
    const env = fakeEnv({ files: { "/proc/self/mountinfo": RW_ROOT }, openForWrite: () => { throw errno("EACCES"); } });
    expect((await judge(p01RootReadOnly, env)).verdict).toBe("FAIL");
  });

  it("judges the topmost of stacked root mounts", async () => {
    const stacked = `${HARDENED_MOUNTINFO}99 72 254:0 / / rw,relatime - ext4 /dev/vda rw\n`;
    const env = fakeEnv({ files: { "/proc/self/mountinfo": stacked } });
    expect(await judge(p01RootReadOnly, env)).toMatchObject({ verdict: "FAIL", actual: { rootMountReadOnly: false } });
  });

  it("is inconclusive without mountinfo", async () => {
    const env = fakeEnv({ files: { "/proc/self/mountinfo": errno("EACCES") } });
    expect(await judge(p01RootReadOnly, env)).toMatchObject({ status: "inconclusive", verdict: "INCONCLUSIVE" });
  });
});

describe("P02-FS-PROC-MASKED", () => {
  it("passes when sysrq cannot be opened, kcore is empty and /proc/sys is ro", async () => {
    const env = fakeEnv({ files: { "/proc/kcore": "" } });
    const result = await judge(p02ProcMasked, env);
    expect(result).toMatchObject({ verdict: "PASS", actual: { sysrqWritable: false, kcoreReadable: false, procSysReadOnly: true } });
  });

  it("fails on an unmasked /proc, having only opened sysrq-trigger", async () => {
    const bare = HARDENED_MOUNTINFO.split("\n").filter((line) => !line.includes(" /proc/sys ")).join("\n");
    const env = fakeEnv({
      files: { "/proc/self/mountinfo": bare, "/proc/kcore": "\x7fELF" },
      openForWrite: () => undefined,
    });
    const result = await judge(p02ProcMasked, env);
    expect(result).toMatchObject({ verdict: "FAIL", actual: { sysrqWritable: true, kcoreReadable: true, procSysReadOnly: false } });
    expect(env.calls.opened).toEqual(["/proc/sysrq-trigger"]);
  });
});
