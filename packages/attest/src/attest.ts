import { randomBytes } from "node:crypto";
import { join } from "node:path";
import {
  err,
  ok,
  orInputError,
  readInputText,
  type Fact,
  type LoadedSsot,
  type Result,
  type RunFlags,
  type SandboxAttestationStatement,
  type VenueClass,
} from "@macro/ssot";
import { buildSandboxImage, detectEngine, runInSandbox, type ContainerEngine, type SideEffectRecorder } from "@macro/sandbox";
import { attestationBundleName, buildAttestationStatement, judgeProbes, signEnvelopeWith, type ProbeJudgement } from "@macro/verifier";
import { ensureDir, serializeJson, sha256Hex, writeFileOnce } from "@macro/report";
import { readSandboxFiles, sandboxPaths } from "./files.ts";
import { acceptReport } from "./report.ts";

export const PROBE_ENTRY_IN_IMAGE = "/opt/macro/probe-entry.cjs";
export const HELPER_IN_IMAGE = "/opt/macro/syscall-probe";
const PROBE_TIMEOUT_MS = 120_000;

export interface AttestRequest {
  loaded: LoadedSsot;
  reportsDir: string;
  env: Record<string, string | undefined>;
  recorder: SideEffectRecorder;
  venue: { id: string; class: VenueClass; facts: Fact[] };
  runId: string | null;
  /** A variant of the SSOT's run flags (`macro attest --profile`); the bundle then names it. */
  variant: { name: string; runFlags: RunFlags } | null;
  signingKeyPem: string | null;
  /** The run's ephemeral ed25519 private key (PEM): in-run evidence is always signed, bound to the run. */
  runKeyPem?: string | null;
  now: () => Date;
  signal?: AbortSignal;
}

export interface Attestation {
  attested: boolean;
  bundlePath: string;
  bundleSha256: string;
  bundleBytes: number;
  statement: SandboxAttestationStatement;
  judgement: ProbeJudgement;
  imageBuilt: boolean;
  /** The engine and image the probes ran on, for whatever runs next in the same sandbox. */
  engine: ContainerEngine;
  imageRef: string;
  /** The image id the engine reported for what this run built: what the image subject must match. */
  imageId: string;
  /** How long the one container ran, all probes included: the attestation proper. */
  containerMs: number;
}

export type AttestFailure = {
  code: "NO_ENGINE" | "IMAGE_BUILD" | "SANDBOX_RUN" | "PROBE_OUTPUT" | "ENGINE_RECORD";
  message: string;
  /** ENGINE_RECORD: the fields of the engine's record that differ from the request. */
  fields?: string[];
};

/** `reports/sandbox-attestation-evidence-<venue>-<date>[-<variant>]-<sha256[0:16]>.json`: written once, never shared. */
export function bundleFileName(venueId: string, date: Date, variant: string | null, sha256: string): string {
  return attestationBundleName(venueId, date.toISOString(), variant, sha256);
}

/**
 * B4′: build the offline image, run every probe in ONE throwaway deny-by-default container,
 * judge the results against the SSOT, and write the evidence bundle. A FAIL is a result
 * (`attested: false` with the bundle written); only a failure to measure at all is an error.
 */
export async function attestSandbox(req: AttestRequest): Promise<Result<Attestation, AttestFailure>> {
  const engine = await detectEngine(req.env);
  if (!engine.ok) {
    const tried = engine.error.tried.map((t) => `${t.kind} at ${t.endpoint}: ${t.error}`).join("; ");
    return err({ code: "NO_ENGINE", message: `no container engine answered (${tried})` });
  }
  const { sandbox } = req.loaded.ssot;
  const paths = sandboxPaths(req.loaded);
  const built = await buildSandboxImage(engine.value, {
    profile: sandbox,
    payload: [
      { source: paths.probeBundle, target: PROBE_ENTRY_IN_IMAGE },
      { source: paths.syscallHelper, target: HELPER_IN_IMAGE, mode: 0o755 },
    ],
    recorder: req.recorder,
    baseDir: req.loaded.dir,
    env: req.env,
  });
  if (!built.ok) return err({ code: "IMAGE_BUILD", message: built.error.message });

  const runFlags = req.variant?.runFlags ?? sandbox.runFlags;
  // Fresh per attestation: every probe result must carry it, so output recorded elsewhere fails.
  const nonce = randomBytes(16).toString("hex");
  const run = await runInSandbox(engine.value, {
    image: built.value.imageRef,
    profile: runFlags,
    seccompProfilePath: runFlags.seccomp === "unconfined" ? "unconfined" : join(req.loaded.dir, runFlags.seccomp),
    command: [PROBE_ENTRY_IN_IMAGE, "--expect-json", JSON.stringify(sandbox.probes), "--nonce", nonce],
    timeoutMs: PROBE_TIMEOUT_MS,
    recorder: req.recorder,
    ...(req.signal === undefined ? {} : { signal: req.signal }),
  });
  if (!run.ok) {
    // The engine recorded a weaker container than requested: removed before it started, not attested.
    if (run.error.code === "ENGINE_RECORD_MISMATCH") return err({ code: "ENGINE_RECORD", message: run.error.message, fields: run.error.fields ?? [] });
    return err({ code: "SANDBOX_RUN", message: run.error.message });
  }
  const { engineRecord } = run.value;
  if (engineRecord.imageId !== built.value.imageId) {
    return err({ code: "ENGINE_RECORD", message: `the engine ran ${engineRecord.imageId}, not the image built for the attestation (${built.value.imageId})`, fields: ["imageId"] });
  }
  const report = acceptReport(run.value.stdout, nonce);
  if (!report.ok) {
    return err({ code: "PROBE_OUTPUT", message: `probe entry exited ${run.value.exitCode}: ${report.error}; stderr: ${run.value.stderr.slice(0, 500)}` });
  }

  const attestedAt = req.now();
  const statement = buildAttestationStatement({
    macroId: req.loaded.ssot.macro.id,
    ssotSha256: req.loaded.sha256,
    runId: req.runId,
    venue: req.venue,
    attestedAt: attestedAt.toISOString(),
    engine: { kind: engine.value.kind, serverVersion: engine.value.serverVersion },
    image: { ref: built.value.imageRef, id: built.value.imageId },
    runFlags,
    variant: req.variant?.name ?? null,
    engineRecord: { requested: engineRecord.requested, reported: engineRecord.reported, reportedSha256: engineRecord.reportedSha256, imageId: engineRecord.imageId },
    expectations: sandbox.probes,
    nonce,
    probes: report.value.probes,
    files: await readSandboxFiles(paths),
  });
  const judgement = judgeProbes(sandbox.probes, report.value.probes, nonce);
  const keys = [req.signingKeyPem, req.runKeyPem ?? null].filter((k): k is string => k !== null);
  const body = keys.length === 0 ? statement : signEnvelopeWith(statement, keys);
  const text = serializeJson(body);
  // A run's bundle is its own evidence, in its own folder, named by its digest: two runs never
  // overwrite each other's. `macro attest` (no run) writes the operator's bundle in reports/.
  const dir = req.runId === null ? req.reportsDir : join(req.reportsDir, "runs", req.runId);
  await ensureDir(dir);
  const bundlePath = join(dir, bundleFileName(req.venue.id, attestedAt, req.variant?.name ?? null, sha256Hex(text)));
  await writeFileOnce(bundlePath, text);
  return ok({
    attested: judgement.verdict === "ATTESTED",
    bundlePath,
    bundleSha256: sha256Hex(text),
    bundleBytes: Buffer.byteLength(text),
    statement,
    judgement,
    imageBuilt: built.value.built,
    engine: engine.value,
    imageRef: built.value.imageRef,
    imageId: built.value.imageId,
    containerMs: run.value.durationMs,
  });
}

export async function readKey(path: string | null): Promise<string | null> {
  return path === null ? null : orInputError(await readInputText(path, { kind: "key" }));
}
