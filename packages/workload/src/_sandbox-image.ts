// Test support for the *.docker.test.ts files: the engine (decided once per file; with none,
// every container test is reported skipped with the reason), a fresh sandbox image built for the
// file and removed after it, and a step request with the reference deny-by-default flags.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import type { WorkloadStep } from "@macro/ssot";
import { buildSandboxImage, detectEngine, DOCKERFILE_PATH, memoryRecorder, REFERENCE_STRICT_RUN_FLAGS, SECCOMP_PROFILE_PATH, type ContainerEngine } from "@macro/sandbox";
import type { StepRequest } from "./run-step.ts";

const detected = await detectEngine(process.env);
export const engine: ContainerEngine | null = detected.ok ? detected.value : null;
export const noEngine = detected.ok ? "" : "no container engine answers here: the step runner's container tests cannot run";

/** Builds `macro-workload-<name>-<nonce>:attest` before the file's tests; its ref once built. */
export function useStepImage(name: string): () => string {
  const image = `macro-workload-${name}-${randomBytes(4).toString("hex")}:attest`;
  let ref = "";
  beforeAll(async () => {
    if (engine === null) return;
    const built = await buildSandboxImage(engine, { profile: { image, dockerfile: DOCKERFILE_PATH, seccompProfile: SECCOMP_PROFILE_PATH }, payload: [], recorder: memoryRecorder() });
    if (!built.ok) throw new Error(built.error.message);
    ref = built.value.imageRef;
  }, 120_000);
  afterAll(async () => {
    if (engine === null || ref === "") return;
    await engine.removeImage(ref);
    await engine.removeImage(image);
  });
  return () => ref;
}

/** One step in the reference deny-by-default sandbox. */
export function stepRequest(image: string, step: WorkloadStep, workspace: string, keepDir: string, uses: StepRequest["uses"] = []): StepRequest {
  if (engine === null) throw new Error(noEngine);
  return { engine, image, flags: { ...REFERENCE_STRICT_RUN_FLAGS, seccomp: SECCOMP_PROFILE_PATH }, seccompProfilePath: SECCOMP_PROFILE_PATH, step, workspace, uses, keepDir, recorder: memoryRecorder(), now: () => new Date() };
}
