import { join, relative } from "node:path";
import type { PersistOutput, TrackInput } from "@macro/machine";
import { buildRunRecord, digestFile, jsonlLineDigests, persistRunRecord } from "@macro/report";
import { flagsFrom } from "@macro/ssot";
import { EVIDENCE_LIMITS, readEvidenceFile, sha256Hex } from "@macro/verifier";
import { evidenceKeys } from "../lib/keys.ts";
import type { TrackDeps } from "./deps.ts";

/**
 * The last track of a green run: the run record (an in-toto Statement over every file the
 * run produced, re-hashed from disk, each named by what it is, the matrix pinned) written once
 * under a name carrying its digest, signed when a key is configured, and chained into the
 * ledger (whose head is signed then too). A re-run writes a new record; none is ever replaced.
 */
export async function runPersist(deps: TrackDeps, { input }: { input: TrackInput }): Promise<PersistOutput> {
  const products: { path: string; sha256: string }[] = [];
  const fail = (reason: string): PersistOutput => ({ ok: false, reason, facts: [], evidence: [], sideEffects: [] });
  let evidenceLines: string[] = [];
  const fromReports = (path: string) => relative(deps.paths.reportsDir, join(deps.paths.cwd, path));
  for (const ref of input.evidence) {
    const read = await readEvidenceFile(join(deps.paths.cwd, ref.path), EVIDENCE_LIMITS.linesBytes);
    if (!read.ok) return fail(`${ref.path} cannot be read back: ${read.error.message}`);
    const sha256 = sha256Hex(read.value);
    if (sha256 !== ref.sha256) return fail(`${ref.path} changed after it was recorded (sha256 ${sha256} ≠ ${ref.sha256})`);
    // Named relative to the reports folder the record lives in, so a copy of that folder verifies anywhere.
    const name = fromReports(ref.path);
    if (products.some((p) => p.path === name && p.sha256 !== sha256)) return fail(`${ref.path} is recorded twice with different digests`);
    if (!products.some((p) => p.path === name)) products.push({ path: name, sha256 });
    // The bundle is not authenticated as a whole, so the record pins every line's digest.
    if (ref.id === "test-results") evidenceLines = jsonlLineDigests(read.value);
  }
  const matrixPath = join(deps.loaded.dir, deps.loaded.ssot.matrix.path);
  const matrix = await digestFile(matrixPath);
  const record = buildRunRecord({
    runId: input.runId,
    macroId: deps.loaded.ssot.macro.id,
    ssotSha256: input.ssotSha256,
    status: "closed",
    tracks: input.tracks.map((t) => (t.id === "persist" ? { ...t, status: "passed" } : t)),
    blockerId: null,
    flags: flagsFrom(input.sideEffects),
    products,
    evidenceLines,
    evidence: input.evidence.map((e) => ({ id: e.id, path: fromReports(e.path), sha256: e.sha256, origin: e.origin })),
    matrix: { path: relative(deps.paths.reportsDir, matrixPath), sha256: matrix.sha256 },
  });
  const at = deps.now().toISOString();
  const keys = await evidenceKeys(deps.loaded);
  const { recordPath, recordSha256, entry } = await persistRunRecord({ reportsDir: deps.paths.reportsDir, ledgerPath: join(deps.paths.reportsDir, "ledger.ndjson"), record, at, keys: keys.ledger });
  const path = relative(deps.paths.cwd, recordPath);
  const { bytes: recordBytes } = await digestFile(recordPath);
  return {
    ok: true,
    reason: `run record ${path} written${keys.ledger.signer === null ? " (unsigned: no signing key configured)" : ", signed,"} and chained as ledger entry ${entry.seq}`,
    facts: [{ id: "persist.ledgerHash", value: entry.hash, source: "reports/ledger.ndjson", observedAt: at }],
    evidence: [{ id: "run-record", path, sha256: recordSha256, bytes: recordBytes, track: "persist", origin: "produced", createdAt: at }],
    sideEffects: [{ kind: "file-written", detail: path, at }],
  };
}
