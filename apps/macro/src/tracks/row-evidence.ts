import { join } from "node:path";
import { type EvidenceRef, type MatrixRow } from "@macro/ssot";
import { attestationRowEvidence, readEvidenceFile, sha256Hex, testResultRowEvidence, EVIDENCE_LIMITS, type BundleOrigin, type RowEvidence } from "@macro/verifier";
import { trustedKeys, verifyBundleFile } from "@macro/attest";
import type { LoadedSsot } from "@macro/ssot";

export interface RowEvidenceContext {
  loaded: LoadedSsot;
  /** Where the evidence paths are relative to. */
  cwd: string;
  runId: string;
  now: Date;
}

/**
 * Row evidence is read back from the files the earlier tracks recorded, never from their
 * in-memory claims: a file whose bytes changed since it was recorded makes its rows STALE, the
 * attestation is re-verified (in-run: signed by this run's key and bound to this run; operator:
 * signed by a key the SSOT trusts), and a test result counts only if it is about the bundle this
 * run built (its subject digest), so evidence about some other artifact binds nothing. The same
 * function recomputes a binding later, from a run record (`macro verify`).
 */
export async function rowEvidenceFrom(ctx: RowEvidenceContext, rows: MatrixRow[], evidence: readonly EvidenceRef[]): Promise<RowEvidence[]> {
  const out: RowEvidence[] = [];
  const byId = (id: string) => evidence.find((e) => e.id === id);
  const stale = (track: string) => rows.filter((r) => r.track === track).map((r): RowEvidence => ({ rowId: r.id, status: "STALE" }));
  const pinned = async (ref: EvidenceRef, max: number = EVIDENCE_LIMITS.documentBytes): Promise<Uint8Array | null> => {
    const read = await readEvidenceFile(join(ctx.cwd, ref.path), max);
    return read.ok && sha256Hex(read.value) === ref.sha256 ? read.value : null;
  };

  const attestation = byId("attestation");
  if (attestation !== undefined) {
    const origin = await originOf(attestation, byId("run-key"), ctx.runId, pinned);
    if (origin === null || (await pinned(attestation)) === null) {
      out.push(...stale("attest"));
    } else {
      const verdict = await verifyBundleFile(ctx.loaded, join(ctx.cwd, attestation.path), await trustedKeys(ctx.loaded, []), ctx.now, origin);
      out.push(...attestationRowEvidence(rows, verdict, "B4′"));
    }
  }

  const results = byId("test-results");
  const bundle = byId("mvp-bundle");
  if (results !== undefined && bundle !== undefined) {
    const bytes = await pinned(results, EVIDENCE_LIMITS.linesBytes);
    if (bytes === null) out.push(...stale("test"));
    else out.push(...testResultRowEvidence(rows, bytes, bundle.sha256));
  }
  return out;
}

/** In-run attestations are checked against the run key the run recorded; returned bundles as an operator's. */
async function originOf(
  attestation: EvidenceRef,
  runKey: EvidenceRef | undefined,
  runId: string,
  pinned: (ref: EvidenceRef) => Promise<Uint8Array | null>,
): Promise<BundleOrigin | null> {
  if (attestation.origin === "verified-read-only") return { kind: "operator" };
  if (runKey === undefined) return null;
  const key = await pinned(runKey);
  return key === null ? null : { kind: "run", runId, runPublicKeyPem: Buffer.from(key).toString("utf8"), imageId: null };
}
