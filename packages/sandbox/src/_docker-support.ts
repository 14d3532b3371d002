import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect } from "vitest";
import type { RunFlags } from "@macro/ssot";
import type { ContainerEngine } from "./engine.ts";
import { detectEngine } from "./engine.ts";
import type { BuiltImage } from "./image.ts";
import { buildSandboxImage, INPUTS_LABEL } from "./image.ts";
import { DOCKERFILE_PATH, SECCOMP_PROFILE_PATH } from "./paths.ts";
import type { MemoryRecorder } from "./recorder.ts";
import { memoryRecorder } from "./recorder.ts";
import { REFERENCE_STRICT_RUN_FLAGS } from "./reference-profile.ts";
import type { PayloadFile } from "./rootfs.ts";
import type { SandboxRunOptions } from "./run.ts";
import { runInSandbox } from "./run.ts";
import { tempDir } from "@macro/test-utils";

// Shared by the *.docker.test.ts files. Availability is decided once per file: with no
// engine every engine test is reported as skipped.
const detected = await detectEngine(process.env);
export const engine: ContainerEngine | null = detected.ok ? detected.value : null;
/** The same engine through its CLI only: the path tcp://, ssh:// and contexts take. */
const detectedCli = engine === null ? null : await detectEngine(process.env, { transport: "cli" });
export const cliOnlyEngine: ContainerEngine | null = detectedCli?.ok === true ? detectedCli.value : null;
/** Each way to reach the engine, for tests that must hold on both. */
export const transports: { name: string; engine: ContainerEngine | null }[] = [
  { name: `auto (${engine?.transport ?? "none"})`, engine },
  { name: "cli", engine: cliOnlyEngine },
];
export const hasGcc = (() => {
  try {
    execFileSync("gcc", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const HELPER_SOURCE = join(dirname(fileURLToPath(import.meta.url)), "..", "test-helper", "syscall-probe.c");
export const strict: RunFlags = REFERENCE_STRICT_RUN_FLAGS;

export interface TestImage {
  profile: { image: string; dockerfile: string; seccompProfile: string };
  scratch: string;
  payload: PayloadFile[];
  image: BuiltImage;
  /** Digest tags to remove after the file's tests. */
  refs: Set<string>;
}

/**
 * Build a fresh test image (a per-file nonce makes the first build real) in beforeAll and
 * remove every image it or the tests registered in afterAll.
 */
/** An image build hashes the node binary and sends ~100 MB to the engine: minutes on a loaded machine. */
const BUILD_MS = 600_000;

export function useTestImage(options: { withHelper: boolean; name: string }): () => TestImage {
  // A test-only image name per file and process (files run in parallel, and other checkouts run
  // the same files on a shared engine: one run's afterAll must not untag another's), never the
  // real tki-inspector:attest.
  const profile = { image: `macro-sandbox-test-${options.name}-${process.pid}:attest`, dockerfile: DOCKERFILE_PATH, seccompProfile: SECCOMP_PROFILE_PATH };
  let state: TestImage | null = null;
  let building: Promise<unknown> | null = null;
  beforeAll(async () => {
    if (engine === null) return;
    const scratch = await tempDir("macro-sandbox-test-");
    await writeFile(join(scratch, "hello.js"), 'process.stdout.write(JSON.stringify({ hello: "sandbox", uid: process.getuid() }));\n');
    await writeFile(join(scratch, "nonce.txt"), randomBytes(16).toString("hex"));
    const payload: PayloadFile[] = [
      { source: join(scratch, "hello.js"), target: "/opt/macro/hello.js" },
      { source: join(scratch, "nonce.txt"), target: "/opt/macro/nonce.txt" },
    ];
    if (options.withHelper && hasGcc) {
      execFileSync("gcc", ["-static", "-O2", "-o", join(scratch, "syscall-probe"), HELPER_SOURCE]);
      payload.push({ source: join(scratch, "syscall-probe"), target: "/opt/macro/syscall-probe", mode: 0o755 });
    }
    const build = buildSandboxImage(engine, { profile, payload, recorder: memoryRecorder() });
    building = build;
    const r = await build;
    if (!r.ok) throw new Error(`test image build failed: ${r.error.message}\n${r.error.stderr ?? ""}`);
    state = { profile, scratch, payload, image: r.value, refs: new Set([r.value.imageRef]) };
  }, BUILD_MS);
  afterAll(async () => {
    if (engine === null) return;
    // A build the hook gave up on still lands on the engine: wait for it, then remove every tag
    // of this file's own repository, whatever state the tests reached.
    await building?.catch(() => undefined);
    const repository = profile.image.slice(0, profile.image.lastIndexOf(":"));
    const tags = await engine.listImageTags(repository, INPUTS_LABEL);
    for (const ref of new Set([...(state?.refs ?? []), ...tags, profile.image])) await engine.removeImage(ref);
    if (state !== null) await rm(state.scratch, { recursive: true, force: true });
  }, BUILD_MS);
  return () => {
    if (state === null) throw new Error("no engine or test image");
    return state;
  };
}

export function runIn(image: () => TestImage, via: ContainerEngine | null = engine) {
  return (recorder: MemoryRecorder, over: Partial<SandboxRunOptions> & { command: string[] }) => {
    if (via === null) throw new Error("no engine");
    return runInSandbox(via, { image: image().image.imageRef, profile: strict, seccompProfilePath: SECCOMP_PROFILE_PATH, timeoutMs: 30_000, recorder, ...over });
  };
}

/** The containers a recorder saw created; each must be gone, and its removal recorded. */
export async function assertNoneLeft(recorder: MemoryRecorder): Promise<void> {
  const names = recorder.effects.filter((e) => e.kind === "container-created").map((e) => e.detail.split(" ")[0] ?? "");
  expect(names.length).toBeGreaterThan(0);
  for (const name of names) expect(await engine?.containerExists(name)).toBe(false);
  const left = (await engine?.listContainers("macro-")) ?? [];
  expect(left.filter((n) => names.includes(n))).toEqual([]);
  expect(recorder.effects.filter((e) => e.kind === "container-removed").map((e) => e.detail)).toEqual(names);
}
