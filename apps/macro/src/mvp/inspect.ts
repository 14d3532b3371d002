import { chmod, mkdir, realpath } from "node:fs/promises";
import { err, ok, type LoadedSsot, type Result } from "@macro/ssot";
import { runInSandbox, type ContainerEngine, type SandboxRun, type SideEffectRecorder } from "@macro/sandbox";
import { sandboxPaths } from "@macro/attest";
import { inspectorBundlePath } from "./inspector-bundle.ts";

const IN_PACKET = "/in/packet";
const IN_ATTESTATION = "/in/attestation.json";
const IN_INSPECTOR = "/opt/macro/tki-inspector.js";
const OUT = "/out";

export interface InspectRequest {
  engine: ContainerEngine;
  image: string;
  loaded: LoadedSsot;
  packetDir: string;
  outDir: string;
  /** The attestation and the base64 SPKI of the run key that signed it (the inspector checks the signature). */
  attestation: { path: string; publicKey: string };
  runId: string;
  recorder: SideEffectRecorder;
  json?: boolean;
  signal?: AbortSignal;
  /** Default: the workspace build of tki-inspector. */
  inspectorBundle?: string;
}

/**
 * tki-inspector as a user runs it: in a throwaway container with the attested profile, the
 * packet, the attestation and the inspector bundle mounted read-only, and `--out` the one
 * writable path. The inspector's own exit code comes back untouched.
 */
export async function inspectInSandbox(req: InspectRequest): Promise<Result<SandboxRun, { code: string; message: string }>> {
  await mkdir(req.outDir, { recursive: true });
  // The sandbox user (65534) must be able to write --out and nothing else.
  await chmod(req.outDir, 0o777);
  const flags = req.loaded.ssot.sandbox.runFlags;
  const profile = { ...flags, mounts: [...flags.mounts, { source: await realpath(req.outDir), target: OUT, readOnly: false }] };
  const run = await runInSandbox(req.engine, {
    image: req.image,
    profile,
    seccompProfilePath: sandboxPaths(req.loaded).seccompProfile,
    command: [
      IN_INSPECTOR, "inspect", IN_PACKET, "--out", OUT,
      "--attestation", IN_ATTESTATION, "--attestation-key", req.attestation.publicKey, "--run-id", req.runId,
      ...(req.json === true ? ["--json"] : []),
    ],
    mounts: [
      { source: await realpath(req.packetDir), target: IN_PACKET, readOnly: true },
      { source: await realpath(req.attestation.path), target: IN_ATTESTATION, readOnly: true },
      { source: req.inspectorBundle ?? inspectorBundlePath(), target: IN_INSPECTOR, readOnly: true },
    ],
    timeoutMs: 300_000,
    recorder: req.recorder,
    ...(req.signal === undefined ? {} : { signal: req.signal }),
  });
  return run.ok ? ok(run.value) : err({ code: run.error.code, message: run.error.message });
}
