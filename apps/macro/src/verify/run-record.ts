import { basename, dirname, join } from "node:path";
import { readLedger, runRecordSignaturePath, RunRecord, type LedgerEntry, type RunRecordEvidence } from "@macro/report";
import { verifyBundleFile } from "@macro/attest";
import { loadMatrix, type EvidenceRef, type LoadedSsot } from "@macro/ssot";
import { bindRows, checkEvidenceLines, type BundleOrigin, EVIDENCE_LIMITS, parseEvidenceJson, readEvidenceFile, reasonOf, sha256Hex, type Reason } from "@macro/verifier";
import type { EvidenceKeys } from "../lib/keys.ts";
import { rowEvidenceFrom } from "../tracks/row-evidence.ts";
import { check, type Check, type Verification } from "./types.ts";

/** What a closed run must have recorded to have closed at all. */
const CLOSED_EVIDENCE = ["attestation", "mvp-bundle", "test-results", "binding"] as const;

/**
 * A run record checked from scratch, read-only: its signature (required with a key), its ledger
 * entry, every product re-hashed, the exact evidence set, every evidence line, the attestation
 * re-verified and the binding recomputed from the evidence and the pinned matrix, compared row by
 * row with the binding the run wrote. Paths in a record are relative to the reports folder it lives
 * in, so a copy of that folder verifies anywhere.
 */
export async function verifyRunRecord(path: string, bytes: Uint8Array, loaded: LoadedSsot, keys: EvidenceKeys): Promise<Verification> {
  // Every path in a record is relative to the folder the record lives in.
  const cwd = dirname(path);
  const checks: Check[] = [];
  const limits: string[] = [];
  const json = parseEvidenceJson(bytes, basename(path));
  const parsed = json.ok ? RunRecord.safeParse(json.value) : null;
  if (parsed === null || !parsed.success) {
    const why = !json.ok ? json.error : reasonOf("RECORD_SCHEMA", parsed?.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") ?? "not a run record");
    return { kind: "run-record", file: path, checks: [check("run record", [why])], limits };
  }
  const record = parsed.data;
  const sha256 = sha256Hex(bytes);
  // Evidence is bound to the SSOT the run read (its digest is in the record); today's SSOT judges the rest.
  const asRun: LoadedSsot = { ...loaded, sha256: record.predicate.ssotSha256 };

  checks.push(check("signature", await checkSignature(path, bytes, keys, limits)));
  const entry = findEntry(path, record.predicate.runId, sha256, keys);
  checks.push(check("ledger entry", entry.reasons));
  if (record.predicate.ssotSha256 !== loaded.sha256) {
    limits.push(`the record was made under SSOT ${record.predicate.ssotSha256.slice(0, 16)}…, checked here under ${loaded.sha256.slice(0, 16)}…: evidence checks use today's SSOT`);
  }

  const products: Reason[] = [];
  const seen = new Set<string>();
  for (const subject of record.subject) {
    if (seen.has(subject.name)) products.push(reasonOf("PRODUCT_DUPLICATE", `${subject.name} is listed twice`));
    seen.add(subject.name);
    const read = await readEvidenceFile(join(cwd, subject.name), EVIDENCE_LIMITS.linesBytes);
    if (!read.ok) products.push(reasonOf("PRODUCT_MISSING", read.error.message, subject.name));
    else if (sha256Hex(read.value) !== subject.digest.sha256) products.push(reasonOf("PRODUCT_CHANGED", `${subject.name}: sha256 ${sha256Hex(read.value)} ≠ the recorded ${subject.digest.sha256}`, subject.name));
  }
  checks.push(check(`${record.subject.length} products re-hashed`, products));

  const evidence = record.predicate.evidence;
  const set: Reason[] = [];
  const ids = new Set<string>();
  for (const e of evidence) {
    if (ids.has(e.id)) set.push(reasonOf("EVIDENCE_DUPLICATE", `evidence ${e.id} is recorded twice`));
    ids.add(e.id);
    if (!record.subject.some((s) => s.name === e.path && s.digest.sha256 === e.sha256)) set.push(reasonOf("EVIDENCE_EXTRA", `evidence ${e.id} (${e.path}) is not a product of the record`));
  }
  if (record.predicate.status === "closed") {
    for (const id of CLOSED_EVIDENCE) if (!ids.has(id)) set.push(reasonOf("EVIDENCE_MISSING", `a closed run must record ${id}`));
    const attestation = evidence.find((e) => e.id === "attestation");
    if (attestation?.origin === "produced" && !ids.has("run-key")) set.push(reasonOf("EVIDENCE_MISSING", "an in-run attestation needs the run key it was signed with"));
  }
  checks.push(check("exact evidence set", set));

  const linesRef = evidence.find((e) => e.id === "test-results");
  const lineReasons: Reason[] = [];
  if (linesRef !== undefined) {
    const read = await readEvidenceFile(join(cwd, linesRef.path), EVIDENCE_LIMITS.linesBytes);
    if (!read.ok) lineReasons.push(reasonOf("PRODUCT_MISSING", read.error.message));
    else lineReasons.push(...checkEvidenceLines(read.value, record.predicate.evidenceLines).reasons);
  } else if (record.predicate.evidenceLines.length > 0) {
    lineReasons.push(reasonOf("LINE_MISSING", `the record pins ${record.predicate.evidenceLines.length} evidence lines but names no test-results file`));
  }
  checks.push(check(`${record.predicate.evidenceLines.length} evidence lines re-hashed`, lineReasons));

  const attestation = evidence.find((e) => e.id === "attestation");
  if (attestation !== undefined) checks.push(check("attestation re-verified", await checkAttestation(record, attestation, asRun, keys, cwd, entry.at)));
  if (record.predicate.status === "closed" || evidence.some((e) => e.id === "binding")) {
    checks.push(check("binding recomputed from the evidence and the matrix", await recomputeBinding(record, asRun, cwd, entry.at)));
  }
  return { kind: "run-record", file: path, checks, limits };
}

/** The attestation as the run used it: in-run under the run key it recorded and bound to the run; returned under a trusted key. */
async function checkAttestation(record: RunRecord, attestation: RunRecordEvidence, loaded: LoadedSsot, keys: EvidenceKeys, cwd: string, at: Date | null): Promise<Reason[]> {
  let origin: BundleOrigin = { kind: "operator" };
  if (attestation.origin === "produced") {
    const keyRef = record.predicate.evidence.find((e) => e.id === "run-key");
    const key = keyRef === undefined ? null : await readEvidenceFile(join(cwd, keyRef.path), 64 * 1024);
    if (keyRef === undefined || key === null || !key.ok || sha256Hex(key.value) !== keyRef.sha256) return [reasonOf("RUN_KEY_MISSING", "the run key the attestation was signed with is missing or changed")];
    origin = { kind: "run", runId: record.predicate.runId, runPublicKeyPem: Buffer.from(key.value).toString("utf8"), imageId: null };
  }
  const verdict = await verifyBundleFile(loaded, join(cwd, attestation.path), keys.trusted, at ?? new Date(), origin);
  return verdict.reasons;
}

async function checkSignature(path: string, bytes: Uint8Array, keys: EvidenceKeys, limits: string[]): Promise<Reason[]> {
  const sigPath = runRecordSignaturePath(path);
  const read = await readEvidenceFile(sigPath, 1024 * 1024);
  if (!read.ok) {
    if (read.error.code !== "INPUT_NOT_FOUND") return [reasonOf("SIGNATURE_UNREADABLE", read.error.message)];
    if (keys.required) return [reasonOf("SIGNATURE_MISSING", `${sigPath} is missing: with a key configured every run record is signed`)];
    limits.push("the run record is unsigned (no signing key configured): it is checked against itself, its ledger entry and its evidence, but nothing proves who wrote them");
    return [];
  }
  const verifier = keys.ledger.verifier ?? (await import("../lib/keys.ts")).headVerifier(keys.trusted);
  const opened = verifier.open(read.value);
  if (!opened.ok) return [reasonOf("SIGNATURE_INVALID", `${sigPath}: ${opened.error}`)];
  return Buffer.from(opened.value).equals(Buffer.from(bytes)) ? [] : [reasonOf("SIGNATURE_INVALID", `${sigPath} signs other bytes than the record's`)];
}

function findEntry(path: string, runId: string, sha256: string, keys: EvidenceKeys): { reasons: Reason[]; at: Date | null } {
  const ledgerPath = join(dirname(path), "ledger.ndjson");
  const ledger = readLedger(ledgerPath, keys.ledger.verifier);
  if (!ledger.ok) return { reasons: [reasonOf(`LEDGER_${ledger.error.code}`, `${ledgerPath}:${ledger.error.line}: ${ledger.error.message}`)], at: null };
  const matches: LedgerEntry[] = ledger.value.entries.filter((e) => e.recordSha256 === sha256);
  if (matches.length !== 1 || matches[0]?.runId !== runId) {
    return { reasons: [reasonOf("RECORD_NOT_IN_LEDGER", `${matches.length} ledger entries pin this record's sha256 ${sha256} for run ${runId} (exactly one must)`)], at: null };
  }
  return { reasons: [], at: new Date(matches[0].at) };
}

/** The binding as the run computed it, and as the evidence computes it now: they must be equal, row by row. */
async function recomputeBinding(record: RunRecord, loaded: LoadedSsot, cwd: string, at: Date | null): Promise<Reason[]> {
  const { evidence, matrix } = record.predicate;
  const bindingRef = evidence.find((e) => e.id === "binding");
  if (bindingRef === undefined || matrix === null) return [reasonOf("BINDING_MISSING", "the record names no binding or no matrix")];
  const matrixBytes = await readEvidenceFile(join(cwd, matrix.path));
  if (!matrixBytes.ok || sha256Hex(matrixBytes.value) !== matrix.sha256) return [reasonOf("MATRIX_CHANGED", `${matrix.path} is not the matrix the run bound against`)];
  const rows = await loadMatrix(join(cwd, matrix.path));
  if (!rows.ok) return [reasonOf("MATRIX_INVALID", rows.error.message)];
  const stored = await readEvidenceFile(join(cwd, bindingRef.path));
  const storedJson = stored.ok ? parseEvidenceJson(stored.value, bindingRef.path) : null;
  const storedRows = storedJson?.ok === true ? bindingRows(storedJson.value) : null;
  if (storedRows === null) return [reasonOf("BINDING_UNREADABLE", `${bindingRef.path} is not a macro/binding/v1 file`)];
  // Judged as of the run (its ledger time), so an attestation that was fresh then is not called stale now.
  const refs: EvidenceRef[] = evidence.map((e) => ({ ...e, bytes: 0, track: "persist", createdAt: "" }));
  const now = at ?? new Date();
  const bound = bindRows(rows.value.rows, await rowEvidenceFrom({ loaded, cwd, runId: record.predicate.runId, now }, rows.value.rows, refs));
  const reasons: Reason[] = [];
  const want = new Map(bound.map((b) => [b.id, b.status]));
  const have = new Map(storedRows.map((r) => [r.id, r.status]));
  if (storedRows.length !== have.size) reasons.push(reasonOf("BINDING_DUPLICATE", "the stored binding lists a row twice"));
  for (const [id, status] of want) {
    const stated = have.get(id);
    if (stated === undefined) reasons.push(reasonOf("BINDING_ROW_MISSING", `row ${id} is not in the stored binding`));
    else if (stated !== status) reasons.push(reasonOf("BINDING_MISMATCH", `row ${id}: stored ${stated}, the evidence gives ${status}`));
  }
  for (const id of have.keys()) if (!want.has(id)) reasons.push(reasonOf("BINDING_ROW_EXTRA", `row ${id} is not in the matrix`));
  if (record.predicate.status === "closed") {
    const notGreen = bound.filter((b) => b.status !== "BOUND_PASS" && b.status !== "WAIVED");
    if (notGreen.length > 0) reasons.push(reasonOf("BINDING_NOT_GREEN", `a closed run, yet ${notGreen.length} rows are not bound: ${notGreen.slice(0, 5).map((b) => `${b.id} ${b.status}`).join(", ")}`));
  }
  return reasons;
}

function bindingRows(value: unknown): { id: string; status: string }[] | null {
  if (typeof value !== "object" || value === null || (value as { schema?: unknown }).schema !== "macro/binding/v1") return null;
  const rows = (value as { rows?: unknown }).rows;
  if (!Array.isArray(rows)) return null;
  const out: { id: string; status: string }[] = [];
  for (const r of rows) {
    if (typeof r !== "object" || r === null) return null;
    const { id, status } = r as { id?: unknown; status?: unknown };
    if (typeof id !== "string" || typeof status !== "string") return null;
    out.push({ id, status });
  }
  return out;
}
