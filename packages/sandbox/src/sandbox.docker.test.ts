import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { networkInterfaces, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunFlags } from "@macro/ssot";
import type { ContainerEngine } from "./engine.ts";
import { detectEngine } from "./engine.ts";
import type { BuiltImage } from "./image.ts";
import { buildSandboxImage, sandboxImageInputs } from "./image.ts";
import { createInternalNetwork, removeNetwork } from "./network.ts";
import { DOCKERFILE_PATH, SECCOMP_PROFILE_PATH } from "./paths.ts";
import { memoryRecorder } from "./recorder.ts";
import type { MemoryRecorder } from "./recorder.ts";
import { REFERENCE_STRICT_RUN_FLAGS } from "./reference-profile.ts";
import { runInSandbox } from "./run.ts";
import type { SandboxRunOptions } from "./run.ts";
import { DANGEROUS_SYSCALLS } from "./seccomp.ts";
import type { PayloadFile } from "./rootfs.ts";

// Availability is decided once: with no engine every test below is reported as skipped.
const detected = await detectEngine(process.env);
const engine: ContainerEngine | null = detected.ok ? detected.value : null;
const hasGcc = (() => {
  try {
    execFileSync("gcc", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const HELPER_SOURCE = join(dirname(fileURLToPath(import.meta.url)), "..", "test-helper", "syscall-probe.c");
// A test-only image name, so these tests never move the real tki-inspector:attest tag.
const profile = { image: "macro-sandbox-test:attest", dockerfile: DOCKERFILE_PATH, seccompProfile: SECCOMP_PROFILE_PATH };
const strict: RunFlags = REFERENCE_STRICT_RUN_FLAGS;

let scratch = "";
let payload: PayloadFile[] = [];
let image: BuiltImage | null = null;
const builtRefs = new Set<string>();

beforeAll(async () => {
  if (engine === null) return;
  scratch = await mkdtemp(join(tmpdir(), "macro-sandbox-test-"));
  await writeFile(join(scratch, "hello.js"), 'process.stdout.write(JSON.stringify({ hello: "sandbox", uid: process.getuid() }));\n');
  // A fresh nonce per test run, so the first build really builds.
  await writeFile(join(scratch, "nonce.txt"), randomBytes(16).toString("hex"));
  payload = [
    { source: join(scratch, "hello.js"), target: "/opt/macro/hello.js" },
    { source: join(scratch, "nonce.txt"), target: "/opt/macro/nonce.txt" },
  ];
  if (hasGcc) {
    execFileSync("gcc", ["-static", "-O2", "-o", join(scratch, "syscall-probe"), HELPER_SOURCE]);
    payload.push({ source: join(scratch, "syscall-probe"), target: "/opt/macro/syscall-probe", mode: 0o755 });
  }
  const r = await buildSandboxImage(engine, { profile, payload, recorder: memoryRecorder() });
  if (!r.ok) throw new Error(`test image build failed: ${r.error.message}\n${r.error.stderr ?? ""}`);
  image = r.value;
  builtRefs.add(r.value.imageRef);
});

afterAll(async () => {
  if (engine !== null) {
    for (const ref of builtRefs) await engine.removeImage(ref);
    await engine.removeImage(profile.image);
  }
  if (scratch !== "") await rm(scratch, { recursive: true, force: true });
});

const run = (recorder: MemoryRecorder, over: Partial<SandboxRunOptions> & { command: string[] }) => {
  if (engine === null || image === null) throw new Error("no engine or image");
  return runInSandbox(engine, { image: image.imageRef, profile: strict, seccompProfilePath: SECCOMP_PROFILE_PATH, timeoutMs: 30_000, recorder, ...over });
};

/** The containers a recorder saw created; each must be gone. */
async function assertNoneLeft(recorder: MemoryRecorder): Promise<void> {
  const names = recorder.effects.filter((e) => e.kind === "container-created").map((e) => e.detail.split(" ")[0] ?? "");
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) expect(await engine?.containerExists(name)).toBe(false);
  const left = (await engine?.listContainers("macro-")) ?? [];
  expect(left.filter((n) => names.includes(n))).toEqual([]);
  expect(recorder.effects.filter((e) => e.kind === "container-removed").map((e) => e.detail)).toEqual(names);
}

describe("detectEngine", () => {
  it("reports NO_ENGINE with every attempt when nothing answers (unix sockets that do not exist)", async () => {
    const r = await detectEngine({ PATH: process.env["PATH"], DOCKER_HOST: "unix:///nonexistent/macro-docker.sock", CONTAINER_HOST: "unix:///nonexistent/macro-podman.sock" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("NO_ENGINE");
    expect(r.error.tried.map((t) => [t.kind, t.endpoint])).toEqual([
      ["docker", "unix:///nonexistent/macro-docker.sock"],
      ["podman", "unix:///nonexistent/macro-podman.sock"],
    ]);
    for (const t of r.error.tried) expect(t.error.length).toBeGreaterThan(0);
  });
});

describe.skipIf(engine === null)("image build (skipped: no container engine)", () => {
  it("builds FROM scratch, tags digest and moving tag, labels the inputs digest", async () => {
    expect(image?.built).toBe(true);
    expect(image?.imageRef).toMatch(/^macro-sandbox-test:attest-[0-9a-f]{12}$/);
    expect(image?.imageRef.endsWith((image?.inputsSha256 ?? "").slice(0, 12))).toBe(true);
    const info = await engine?.inspectImage(profile.image);
    expect(info?.id).toBe(image?.imageId);
    expect(info?.labels["macro.inputs-sha256"]).toBe(image?.inputsSha256);
    expect(image?.layers.length).toBe(1);
  });

  it("does not rebuild unchanged inputs and records no image-built", async () => {
    const recorder = memoryRecorder();
    const again = await buildSandboxImage(engine as ContainerEngine, { profile, payload, recorder });
    expect(again.ok && again.value.built).toBe(false);
    expect(again.ok && again.value.imageId).toBe(image?.imageId);
    expect(recorder.effects).toEqual([]);
  });

  it("changes the inputs digest when a payload byte changes", async () => {
    const before = await sandboxImageInputs({ profile, payload });
    await writeFile(join(scratch, "changed.js"), "0\n");
    await writeFile(join(scratch, "changed2.js"), "1\n");
    const a = await sandboxImageInputs({ profile, payload: [...payload, { source: join(scratch, "changed.js"), target: "/opt/macro/c.js" }] });
    const b = await sandboxImageInputs({ profile, payload: [...payload, { source: join(scratch, "changed2.js"), target: "/opt/macro/c.js" }] });
    const c = await sandboxImageInputs({ profile, payload: [...payload, { source: join(scratch, "changed.js"), target: "/opt/macro/d.js" }] });
    const digests = [before, a, b, c].map((r) => (r.ok ? r.value.inputsSha256 : ""));
    expect(digests[0]).toBe(image?.inputsSha256);
    expect(new Set(digests).size).toBe(4);
  });
});

describe.skipIf(engine === null)("runInSandbox (skipped: no container engine)", () => {
  it("runs node in the strict sandbox: exit 0, output, uid 65534, and removes the container", async () => {
    const recorder = memoryRecorder();
    const r = await run(recorder, { command: ["/opt/macro/hello.js"] });
    expect(r.ok ? r.value.exitCode : r.error).toBe(0);
    expect(r.ok && JSON.parse(r.value.stdout)).toEqual({ hello: "sandbox", uid: 65534 });
    expect(r.ok && r.value.args).toContain("--read-only");
    expect(recorder.effects.map((e) => e.kind)).toEqual(["container-created", "container-removed"]);
    await assertNoneLeft(recorder);
  });

  it("cannot write the root filesystem (EROFS) but can write the /tmp tmpfs", async () => {
    const recorder = memoryRecorder();
    const code = `const fs=require("fs");let root;try{fs.writeFileSync("/x","1");root="written"}catch(e){root=e.code}
fs.writeFileSync("/tmp/ok","1");console.log(JSON.stringify({root,tmp:fs.readFileSync("/tmp/ok","utf8")}))`;
    const r = await run(recorder, { command: ["-e", code] });
    expect(r.ok && JSON.parse(r.value.stdout)).toEqual({ root: "EROFS", tmp: "1" });
    await assertNoneLeft(recorder);
  });

  it("returns a non-zero exit as a result and still removes the container", async () => {
    const recorder = memoryRecorder();
    const r = await run(recorder, { command: ["-e", "process.stderr.write('bad');process.exit(7)"] });
    expect(r.ok && [r.value.exitCode, r.value.stderr]).toEqual([7, "bad"]);
    await assertNoneLeft(recorder);
  });

  it("times out, says TIMEOUT and leaves no container", async () => {
    const recorder = memoryRecorder();
    const r = await run(recorder, { command: ["-e", "setInterval(()=>{},1000)"], timeoutMs: 1_500 });
    expect(r.ok ? "ok" : r.error.code).toBe("TIMEOUT");
    await assertNoneLeft(recorder);
  });

  it("aborts on the signal, says ABORTED and leaves no container", async () => {
    const recorder = memoryRecorder();
    const controller = new AbortController();
    const pending = run(recorder, { command: ["-e", "setInterval(()=>{},1000)"], signal: controller.signal });
    // Abort once the container exists, so the abort hits a running container.
    for (let i = 0; i < 100 && recorder.effects.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    const name = recorder.effects[0]?.detail.split(" ")[0] ?? "";
    for (let i = 0; i < 100 && !(await engine?.containerExists(name)); i++) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    const r = await pending;
    expect(r.ok ? "ok" : r.error.code).toBe("ABORTED");
    await assertNoneLeft(recorder);
  });

  it("an abort right after the start leaves no container even if the create was still in flight", async () => {
    const recorder = memoryRecorder();
    const controller = new AbortController();
    const pending = run(recorder, { command: ["-e", "setInterval(()=>{},1000)"], signal: controller.signal });
    setTimeout(() => controller.abort(), 150);
    const r = await pending;
    expect(r.ok ? "ok" : r.error.code).toBe("ABORTED");
    await assertNoneLeft(recorder);
  });

  it("says IMAGE_MISSING for an absent image and creates nothing", async () => {
    const recorder = memoryRecorder();
    const r = await run(recorder, { image: "macro-sandbox-test:does-not-exist", command: ["-e", "0"] });
    expect(r.ok ? "ok" : r.error.code).toBe("IMAGE_MISSING");
    expect(recorder.effects).toEqual([]);
  });

  it("a weakened profile really is weaker: root user, writable root, env passed by name", async () => {
    const recorder = memoryRecorder();
    const weak: RunFlags = { ...strict, user: "0:0", readOnly: false, seccomp: "unconfined", env: { MACRO_FAKE_TOKEN: "not-a-secret" } };
    const code = `const fs=require("fs");fs.writeFileSync("/x","1");console.log(JSON.stringify({uid:process.getuid(),tok:process.env.MACRO_FAKE_TOKEN}))`;
    const r = await run(recorder, { profile: weak, command: ["-e", code] });
    expect(r.ok && JSON.parse(r.value.stdout)).toEqual({ uid: 0, tok: "not-a-secret" });
    expect(r.ok && r.value.args.join(" ")).not.toContain("not-a-secret");
    await assertNoneLeft(recorder);
  });

  it("an internal network gives a non-loopback interface whose gateway no host interface owns", async () => {
    const net = `macro-test-int-${randomBytes(3).toString("hex")}`;
    const created = await createInternalNetwork(engine as ContainerEngine, net);
    expect(created.ok).toBe(true);
    try {
      const inspect = await engine?.cli(["network", "inspect", "--format", "{{.Internal}} {{json .Options}}", net]);
      expect(inspect?.stdout.trim()).toBe('true {"com.docker.network.bridge.inhibit_ipv4":"true"}');
      const recorder = memoryRecorder();
      const code = `const fs=require("fs");console.log(JSON.stringify({ifs:fs.readdirSync("/sys/class/net").sort(),
routes:fs.readFileSync("/proc/net/route","utf8").trim().split("\\n").slice(1).map(l=>l.split("\\t")).map(f=>({dest:f[1],gw:f[2]}))}))`;
      const r = await run(recorder, { profile: { ...strict, network: net }, command: ["-e", code] });
      const seen = r.ok ? (JSON.parse(r.value.stdout) as { ifs: string[]; routes: { dest: string; gw: string }[] }) : null;
      expect(seen?.ifs).toContain("lo");
      expect(seen?.ifs.some((i) => i !== "lo")).toBe(true);
      // /proc/net/route holds little-endian hex; every gateway must be an address the host does not own.
      const hostAddrs = new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address)));
      const gateways = (seen?.routes ?? []).filter((x) => x.gw !== "00000000").map((x) => hexToIpv4(x.gw));
      for (const gw of gateways) expect(hostAddrs.has(gw)).toBe(false);
      await assertNoneLeft(recorder);
    } finally {
      expect(await removeNetwork(engine as ContainerEngine, net)).toBe(true);
    }
  });
});

function hexToIpv4(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join(".");
}

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
