import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { err, ok, type LoadedSsot, type Result } from "@macro/ssot";
import { runInSandbox, type ContainerEngine, type SandboxRun, type SideEffectRecorder } from "@macro/sandbox";
import { sandboxPaths } from "@macro/attest";
import { sandboxOwnedDir } from "@macro/workload";
import { inspectorBundlePath } from "./inspector-bundle.ts";
import { deliverToOut, readSandboxFile, type DeliveredFile, type OutTarget } from "../lib/out-dir.ts";

const IN_PACKET = "/in/packet";
const IN_ATTESTATION = "/in/attestation.json";
const IN_INSPECTOR = "/opt/macro/tki-inspector.js";
const OUT = "/out";
/** What the inspector writes, and all that is ever taken from its /out. */
const REPORT_FILES = ["report.json", "report.md"] as const;
/** Far above any report of a packet the inspector accepts; a sandbox filling the disk is refused. */
const REPORT_MAX_BYTES = 64 * 1024 * 1024;

export interface InspectRequest {
  engine: ContainerEngine;
  image: string;
  loaded: LoadedSsot;
  packetDir: string;
  /** A `--out` judged by `checkOutDir`; the sandbox never sees it. */
  out: OutTarget;
  /** The repository, for judging `out` again before anything lands in it. */
  repoDir: string;
  cwd: string;
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
 * packet, the attestation and the inspector bundle mounted read-only. Its one writable path is a
 * fresh private directory macro makes for it (0700, under a 0700 parent, owned by the sandbox
 * user), never anything the user named; afterwards macro takes the report files it expects from
 * there (regular files only, bounded) and puts them into `--out` itself. The inspector's own exit
 * code comes back untouched.
 */
export async function inspectInSandbox(req: InspectRequest): Promise<Result<SandboxRun, { code: string; message: string }>> {
  const flags = req.loaded.ssot.sandbox.runFlags;
  const scratch = await mkdtemp(join(tmpdir(), "macro-inspect-"));
  try {
    const writable = await sandboxOwnedDir(join(scratch, "out"), flags.user);
    const profile = { ...flags, mounts: [...flags.mounts, { source: writable, target: OUT, readOnly: false }] };
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
    if (!run.ok) return err({ code: run.error.code, message: run.error.message });
    const files: DeliveredFile[] = [];
    for (const name of REPORT_FILES) {
      const bytes = await readSandboxFile(writable, name, REPORT_MAX_BYTES);
      if (bytes !== null) files.push({ name, bytes });
    }
    // The inspector writes both or neither; one alone is a partial report and is not delivered.
    if (files.length === REPORT_FILES.length) await deliverToOut(req.out, files, { cwd: req.cwd, packetDir: req.packetDir, repoDir: req.repoDir });
    else if (files.length > 0) return err({ code: "REPORT_PARTIAL", message: `the inspector left ${files.map((f) => f.name).join(", ")} without the rest of its report; nothing delivered` });
    return ok(run.value);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
