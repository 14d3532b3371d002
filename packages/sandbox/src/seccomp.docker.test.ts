import { describe, expect, it } from "vitest";
import type { RunFlags } from "@macro/ssot";
import { memoryRecorder } from "./recorder.ts";
import { DANGEROUS_SYSCALLS } from "./seccomp.ts";
import { assertNoneLeft, engine, hasGcc, runIn, strict, useTestImage } from "./_docker-support.ts";

const run = runIn(useTestImage({ withHelper: true, name: "seccomp" }));

describe.skipIf(engine === null || !hasGcc)("seccomp denial proof (skipped: no container engine or no gcc)", () => {
  const probe = async (flags: RunFlags) => {
    const recorder = memoryRecorder();
    // Through node's execFileSync, as the probes run their helper: proves spawning works too.
    const code = `process.stdout.write(require("child_process").execFileSync("/opt/macro/syscall-probe",{encoding:"utf8"}))`;
    const r = await run(recorder, { profile: flags, command: ["-e", code] });
    await assertNoneLeft(recorder);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message} ${r.error.stderr ?? ""}`);
    return { exitCode: r.value.exitCode, stderr: r.value.stderr, result: JSON.parse(r.value.stdout) as Record<string, string> };
  };

  it("denies every dangerous syscall with EPERM, clone3 with ENOSYS, vsock/alg/netlink sockets with EPERM; nothing is killed", async () => {
    const { exitCode, stderr, result } = await probe(strict);
    expect([exitCode, stderr]).toEqual([0, ""]);
    for (const name of DANGEROUS_SYSCALLS) expect([name, result[name]]).toEqual([name, "EPERM"]);
    expect(result["clone3"]).toBe("ENOSYS");
    expect(result["clone_newuser"]).toBe("EPERM");
    expect([result["socket_af_vsock"], result["socket_af_alg"], result["socket_af_netlink"]]).toEqual(["EPERM", "EPERM", "EPERM"]);
    expect([result["getpid"], result["socket_af_unix"]]).toEqual(["OK", "OK"]);
  });

  it("the same helper without seccomp gets other answers, so the EPERMs above come from the profile", async () => {
    const { exitCode, result } = await probe({ ...strict, seccomp: "unconfined" });
    expect(exitCode).toBe(0);
    expect(result["clone3"]).toBe("EINVAL");
    expect(result["setns"]).toBe("EBADF");
    expect(result["io_uring_enter"]).toBe("EBADF");
    expect(result["process_vm_readv"]).toBe("OK");
    expect(result["socket_af_netlink"]).toBe("OK");
  });
});
