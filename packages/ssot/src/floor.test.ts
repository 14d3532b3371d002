import { readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "@macro/test-utils";
import { floorIssues, runFlagFloorIssues, seccompFloorIssues, expectationWithin, probeFloorIssues } from "./floor.ts";
import { formatSsotError, loadSsot } from "./load.ts";
import { REFERENCE_PROBES } from "./reference-probes.ts";
import type { RunFlags, Ssot } from "./ssot.ts";
import type { JsonValue } from "./expect.ts";

const repo = fileURLToPath(new URL("../../../", import.meta.url));
const loaded = await loadSsot(join(repo, "macro.yaml"));
if (!loaded.ok) throw new Error(formatSsotError(loaded.error));
const base: Ssot = loaded.value.ssot;
const flags: RunFlags = base.sandbox.runFlags;
const profile = JSON.parse(await readFile(join(repo, "packages/sandbox/seccomp-deny-by-default.json"), "utf8")) as Record<string, unknown> & { syscalls: unknown[] };

let scratch = "";
let server: Server | null = null;
beforeAll(async () => {
  scratch = await tempDir("macro-floor-");
});
afterAll(async () => {
  server?.close();
  await rm(scratch, { recursive: true, force: true });
});

describe("the floor: run flags", () => {
  it("passes the repo's own SSOT and the shipped profile", async () => {
    expect(await floorIssues(base, loaded.value.dir)).toEqual([]);
    expect(seccompFloorIssues(profile)).toEqual([]);
  });

  const weaker: [string, Partial<RunFlags>, string][] = [
    ["network", { network: "bridge" }, "sandbox.runFlags.network"],
    ["network host", { network: "host" }, "sandbox.runFlags.network"],
    ["readOnly", { readOnly: false }, "sandbox.runFlags.readOnly"],
    ["capDrop", { capDrop: ["NET_RAW"] }, "sandbox.runFlags.capDrop"],
    ["capAdd ALL", { capAdd: ["ALL"] }, "sandbox.runFlags.capAdd"],
    ["capAdd one", { capAdd: ["CAP_NET_BIND_SERVICE"] }, "sandbox.runFlags.capAdd"],
    ["noNewPrivileges", { noNewPrivileges: false }, "sandbox.runFlags.noNewPrivileges"],
    ["seccomp unconfined", { seccomp: "unconfined" }, "sandbox.runFlags.seccomp"],
    ["seccomp engine default", { seccomp: "default" }, "sandbox.runFlags.seccomp"],
    ["root uid", { user: "0:65534" }, "sandbox.runFlags.user"],
    ["root gid", { user: "65534:0" }, "sandbox.runFlags.user"],
    ["no pids limit", { pidsLimit: null }, "sandbox.runFlags.pidsLimit"],
    ["pids above", { pidsLimit: 65 }, "sandbox.runFlags.pidsLimit"],
    ["no memory", { memory: null }, "sandbox.runFlags.memory"],
    ["memory above", { memory: "513m" }, "sandbox.runFlags.memory"],
    ["memory in g", { memory: "1g" }, "sandbox.runFlags.memory"],
    ["tmpfs exec", { tmpfs: "/tmp:rw,nosuid,nodev,size=16m" }, "sandbox.runFlags.tmpfs"],
    ["tmpfs exec after noexec", { tmpfs: "/tmp:rw,noexec,nosuid,nodev,exec,size=16m" }, "sandbox.runFlags.tmpfs"],
    ["tmpfs suid", { tmpfs: "/tmp:rw,noexec,nodev,size=16m" }, "sandbox.runFlags.tmpfs"],
    ["tmpfs dev", { tmpfs: "/tmp:rw,noexec,nosuid,size=16m" }, "sandbox.runFlags.tmpfs"],
    ["tmpfs unbounded", { tmpfs: "/tmp:rw,noexec,nosuid,nodev" }, "sandbox.runFlags.tmpfs"],
    ["tmpfs percent", { tmpfs: "/tmp:rw,noexec,nosuid,nodev,size=50%" }, "sandbox.runFlags.tmpfs"],
    ["tmpfs bigger", { tmpfs: "/tmp:rw,noexec,nosuid,nodev,size=65m" }, "sandbox.runFlags.tmpfs"],
    ["tmpfs elsewhere", { tmpfs: "/etc:rw,noexec,nosuid,nodev,size=16m" }, "sandbox.runFlags.tmpfs"],
    ["env key", { env: { HOME: "/tmp" } }, "sandbox.runFlags.env"],
    ["env credential", { env: { X: "https://u:p@example.invalid" } }, "sandbox.runFlags.env"],
    ["rw mount", { mounts: [{ source: "/work", target: "/in", readOnly: false }] }, "sandbox.runFlags.mounts[0].readOnly"],
    ["mount over /proc", { mounts: [{ source: "/work", target: "/proc/x", readOnly: true }] }, "sandbox.runFlags.mounts[0].target"],
  ];
  it.each(weaker)("%s is weaker than the floor", (_name, over, path) => {
    const issues = runFlagFloorIssues({ ...flags, ...over });
    expect(issues.map((i) => i.path)).toContain(path);
    expect(issues.find((i) => i.path === path)?.message).toMatch(/floor|lacks/);
  });

  it("names the field and the floor it breaks", () => {
    expect(runFlagFloorIssues({ ...flags, capAdd: ["ALL"] })).toEqual([{ path: "sandbox.runFlags.capAdd", message: "[ALL] is weaker than the floor (no capabilities)" }]);
  });

  it("accepts tighter flags", () => {
    expect(runFlagFloorIssues({ ...flags, pidsLimit: 8, memory: "64m", tmpfs: null, capDrop: ["all"] })).toEqual([]);
    expect(runFlagFloorIssues({ ...flags, tmpfs: "/tmp:ro,noexec,nosuid,nodev,size=1m,mode=700" })).toEqual([]);
  });

  it("refuses host sources that are, hold or contain engine sockets", async () => {
    const dir = join(scratch, "in");
    await mkdir(join(dir, "a", "b"), { recursive: true });
    const sock = join(dir, "a", "b", "engine.sock");
    server = createServer();
    await new Promise<void>((done) => server?.listen(sock, done));
    const withMount = (source: string): Ssot => ({ ...base, sandbox: { ...base.sandbox, runFlags: { ...flags, mounts: [{ source, target: "/in", readOnly: true }] } } });
    for (const source of [dir, sock, "/var/run", "/run", "/", "/var", "/etc/passwd", join(scratch, "nope")]) {
      const issues = await floorIssues(withMount(source), loaded.value.dir);
      expect(issues.map((i) => i.path), source).toEqual(["sandbox.runFlags.mounts[0].source"]);
    }
    const clean = join(scratch, "clean");
    await mkdir(clean);
    await writeFile(join(clean, "f"), "x");
    expect(await floorIssues(withMount(clean), loaded.value.dir)).toEqual([]);
  });

  it("requires the run to send the profile the bundle names", async () => {
    const other = { ...base, sandbox: { ...base.sandbox, runFlags: { ...flags, seccomp: "fixtures/ssot/weakened/seccomp-allow-all.json" } } };
    const issues = await floorIssues(other, loaded.value.dir);
    expect(issues.map((i) => i.path)).toEqual(["sandbox.runFlags.seccomp", "sandbox.runFlags.seccomp"]);
    expect(issues[1]?.message).toMatch(/defaultAction: "SCMP_ACT_ALLOW" is weaker than the floor/);
  });
});

describe("the floor: seccomp", () => {
  const rules = profile.syscalls;
  const cases: [string, Record<string, unknown>, string][] = [
    ["allow by default", { ...profile, defaultAction: "SCMP_ACT_ALLOW" }, "defaultAction"],
    ["log by default", { ...profile, defaultAction: "SCMP_ACT_LOG" }, "defaultAction"],
    ["errno 0 by default", { ...profile, defaultErrnoRet: 0 }, "defaultAction"],
    ["an extra syscall", { ...profile, syscalls: [...rules, { names: ["ptrace"], action: "SCMP_ACT_ALLOW" }] }, `syscalls[${rules.length}].names`],
    ["a syscall logged", { ...profile, syscalls: [...rules, { names: ["mount"], action: "SCMP_ACT_LOG" }] }, `syscalls[${rules.length}].action`],
    ["a syscall traced", { ...profile, syscalls: [...rules, { names: ["bpf"], action: "SCMP_ACT_TRACE" }] }, `syscalls[${rules.length}].action`],
    ["clone unmasked", { ...profile, syscalls: [...rules, { names: ["clone"], action: "SCMP_ACT_ALLOW" }] }, `syscalls[${rules.length}].args`],
    ["socket any family", { ...profile, syscalls: [...rules, { names: ["socket"], action: "SCMP_ACT_ALLOW" }] }, `syscalls[${rules.length}].args`],
    ["socket AF_NETLINK", { ...profile, syscalls: [...rules, { names: ["socket"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 16, valueTwo: 0, op: "SCMP_CMP_EQ" }] }] }, `syscalls[${rules.length}].args`],
    ["another ABI", { ...profile, architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"] }, "architectures"],
  ];
  it.each(cases)("%s is weaker", (_n, p, path) => {
    expect(seccompFloorIssues(p).map((i) => i.path)).toContain(path);
  });
  it("accepts a narrower profile", () => {
    const narrower = { ...profile, syscalls: [{ names: ["read", "write", "exit_group"], action: "SCMP_ACT_ALLOW" }, { names: ["ptrace"], action: "SCMP_ACT_ERRNO" }, { names: ["socket"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 1, valueTwo: 0, op: "SCMP_CMP_EQ" }, { index: 1, value: 1, valueTwo: 0, op: "SCMP_CMP_EQ" }] }] };
    expect(seccompFloorIssues(narrower)).toEqual([]);
  });
});

describe("the floor: probes", () => {
  const within: [JsonValue, JsonValue, boolean][] = [
    ["EPERM", "EPERM", true],
    ["EPERM", "EACCES", false],
    ["EPERM", { $oneOf: ["EPERM"] }, true],
    ["EPERM", { $oneOf: ["EPERM", "ENOENT"] }, false],
    [{ $oneOf: ["A", "B"] }, "A", true],
    [{ $oneOf: ["A", "B"] }, { $oneOf: ["A"] }, true],
    [{ $oneOf: ["A", "B"] }, { $oneOf: ["A", "C"] }, false],
    [{ $lte: 64 }, { $lte: 32 }, true],
    [{ $lte: 64 }, { $lte: 65 }, false],
    [{ $lte: 64 }, 64, true],
    [{ $lte: 64 }, { $gte: 1 }, false],
    [{ $gte: 1 }, { $gte: 2 }, true],
    [{ $gte: 1 }, { $gte: 0 }, false],
    [{ $empty: true }, [], true],
    [{ $empty: true }, ["/x"], false],
    [{ $empty: true }, { $oneOf: [[], {}] }, true],
    [{ $empty: true }, { $oneOf: [[], ["/x"]] }, false],
    [true, { $oneOf: [true, false] }, false],
    [0, { $lte: 0 }, false],
    // An exact set may lose members, never gain one, and is never swapped for a looser operator.
    [{ $set: ["read", "write"] }, { $set: ["read", "write"] }, true],
    [{ $set: ["read", "write"] }, { $set: ["read"] }, true],
    [{ $set: ["read", "write"] }, { $set: ["read", "write", "keyctl"] }, false],
    [{ $set: [] }, { $set: [] }, true],
    [{ $set: [] }, { $set: ["/run/docker.sock"] }, false],
    [{ $set: [] }, [], false],
    [{ $set: [] }, { $empty: true }, false],
    [{ $set: [1, 2] }, { $oneOf: [{ $set: [1] }] }, false],
  ];
  it.each(within)("floor %j, SSOT %j → within %s", (floor, mine, want) => {
    expect(expectationWithin(floor, mine)).toBe(want);
  });

  it("names a removed probe, a removed key and a loosened one", () => {
    const probes = structuredClone(base.sandbox.probes).filter((p) => p.id !== "P07-PROC-NO-NEW-PRIVS");
    const p16 = probes.find((p) => p.id === "P16-CGROUP-LIMITS");
    if (p16 === undefined) throw new Error("P16 missing");
    p16.expected.pidsMax = { $lte: 1000 };
    delete p16.expected.memoryLimited;
    const messages = probeFloorIssues(probes).map((i) => `${i.path}: ${i.message}`);
    expect(messages).toEqual([
      "sandbox.probes: P07-PROC-NO-NEW-PRIVS is missing: the floor runs it (no_new_privs is set)",
      "sandbox.probes[14].expected.memoryLimited: missing: the floor expects true",
      'sandbox.probes[14].expected.pidsMax: {"$lte":1000} is weaker than the floor ({"$lte":64})',
    ]);
  });

  it("lets an SSOT add probes and keys", () => {
    const probes = [...structuredClone(REFERENCE_PROBES), { id: "P99-EXTRA", title: "extra", expected: { x: 1 } }];
    const first = probes[0];
    if (first !== undefined) first.expected.extra = true;
    expect(probeFloorIssues(probes)).toEqual([]);
  });
});

describe("the weakened SSOT fixture", () => {
  it("is refused at load, naming each weakening", async () => {
    const r = await loadSsot(join(repo, "fixtures/ssot/weakened/macro.yaml"));
    if (r.ok) throw new Error("the weakened SSOT loaded");
    expect(r.error.code).toBe("SSOT_BELOW_FLOOR");
    const paths = r.error.issues.map((i) => i.path);
    for (const p of ["sandbox.runFlags.capAdd", "sandbox.runFlags.seccomp", "sandbox.runFlags.pidsLimit", "sandbox.runFlags.memory", "sandbox.runFlags.mounts[0].source"]) {
      expect(paths).toContain(p);
    }
    expect(paths.some((p) => p.startsWith("sandbox.probes["))).toBe(true);
    expect(formatSsotError(r.error)).toContain("sandbox.runFlags.capAdd: [ALL] is weaker than the floor (no capabilities)");
  });
});
