import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SECCOMP_PROFILE_PATH } from "./paths.ts";
import type { SeccompProfile } from "./seccomp.ts";
import { CLONE_NAMESPACE_MASK, DANGEROUS_SYSCALLS, loadSeccompProfile, seccompProblems } from "./seccomp.ts";
import { tempDir } from "@macro/test-utils";

const load = async () => {
  const r = await loadSeccompProfile(SECCOMP_PROFILE_PATH);
  if (!r.ok) throw r.error;
  return r.value.profile;
};

describe("seccomp-deny-by-default.json", () => {
  it("defaults to ERRNO with EPERM", async () => {
    const p = await load();
    expect(p.defaultAction).toBe("SCMP_ACT_ERRNO");
    expect(p.defaultErrnoRet).toBe(1);
    expect(p.architectures).toEqual(["SCMP_ARCH_X86_64"]);
  });

  it("never kills: no KILL action anywhere", async () => {
    const p = await load();
    expect(p.syscalls.map((r) => r.action).filter((a) => a.includes("KILL"))).toEqual([]);
  });

  it("allows none of the dangerous syscalls", async () => {
    const p = await load();
    const allowed = new Set(p.syscalls.filter((r) => r.action === "SCMP_ACT_ALLOW").flatMap((r) => r.names));
    expect(DANGEROUS_SYSCALLS.filter((s) => allowed.has(s))).toEqual([]);
    expect(allowed.size).toBeGreaterThan(40);
    expect(allowed.has("read") && allowed.has("execve") && allowed.has("futex")).toBe(true);
  });

  it("answers clone3 with ENOSYS so glibc falls back to clone", async () => {
    const p = await load();
    expect(p.syscalls.filter((r) => r.names.includes("clone3"))).toEqual([{ names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38 }]);
  });

  it("allows clone only without namespace flags", async () => {
    const p = await load();
    const clone = p.syscalls.filter((r) => r.names.includes("clone"));
    expect(clone).toHaveLength(1);
    expect(clone[0]?.args).toEqual([{ index: 0, value: CLONE_NAMESPACE_MASK, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }]);
  });

  it("allows socket only for AF_UNIX, AF_INET and AF_INET6", async () => {
    const p = await load();
    const families = p.syscalls
      .filter((r) => r.names.includes("socket"))
      .map((r) => {
        expect(r.action).toBe("SCMP_ACT_ALLOW");
        expect(r.names).toEqual(["socket"]);
        expect(r.args).toHaveLength(1);
        return r.args?.[0]?.op === "SCMP_CMP_EQ" && r.args[0].index === 0 ? r.args[0].value : -1;
      });
    expect(families.sort((a, b) => a - b)).toEqual([1, 2, 10]);
    for (const denied of [16, 38, 40]) expect(families).not.toContain(denied);
  });

  it("is written with sorted names (deterministic re-derivation)", async () => {
    const names = (await load()).syscalls[0]?.names ?? [];
    expect(names).toEqual([...names].sort());
  });

  it("passes its own deny-by-default check", async () => {
    expect(seccompProblems(await load())).toEqual([]);
  });
});

describe("seccompProblems", () => {
  const base = (): SeccompProfile => ({
    defaultAction: "SCMP_ACT_ERRNO",
    defaultErrnoRet: 1,
    architectures: ["SCMP_ARCH_X86_64"],
    syscalls: [
      { names: ["read"], action: "SCMP_ACT_ALLOW" },
      { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38 },
    ],
  });

  it("flags an allow-by-default profile, KILL, a dangerous allow, EPERM clone3 and open socket/clone", () => {
    const bad: SeccompProfile = {
      ...base(),
      defaultAction: "SCMP_ACT_ALLOW",
      syscalls: [
        { names: ["read", "keyctl"], action: "SCMP_ACT_ALLOW" },
        { names: ["io_uring_setup"], action: "SCMP_ACT_KILL_PROCESS" },
        { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 1 },
        { names: ["clone", "socket"], action: "SCMP_ACT_ALLOW" },
      ],
    };
    const problems = seccompProblems(bad).join("\n");
    for (const needle of ["defaultAction", "KILL", "keyctl", "clone3", "namespace", "socket"]) expect(problems).toContain(needle);
  });

  it("accepts a minimal correct profile", () => {
    expect(seccompProblems(base())).toEqual([]);
  });
});

describe("loadSeccompProfile", () => {
  it("returns an input error for a missing file and for a non-profile", async () => {
    const dir = await tempDir("macro-seccomp-test-");
    const missing = await loadSeccompProfile(join(dir, "nope.json"));
    expect(missing.ok ? "" : missing.error.code).toBe("SECCOMP_UNREADABLE");
    await writeFile(join(dir, "bad.json"), JSON.stringify({ defaultAction: "ALLOW_ALL", syscalls: [] }));
    const bad = await loadSeccompProfile(join(dir, "bad.json"));
    expect(bad.ok ? "" : bad.error.code).toBe("SECCOMP_INVALID");
  });

  it("hashes the raw bytes", async () => {
    const r = await loadSeccompProfile(SECCOMP_PROFILE_PATH);
    expect(r.ok && /^[0-9a-f]{64}$/.test(r.value.sha256) && r.value.bytes > 100).toBe(true);
  });
});
