import { join, relative } from "node:path";
import type { PersistOutput, TrackInput } from "@macro/machine";
import { buildRunRecord, digestFile, jsonlLineDigests, persistRunRecord } from "@macro/report";
import { flagsFrom, orInputError, readInput } from "@macro/ssot";
import type { TrackDeps } from "./deps.ts";

/**
 * The last track of a green run: the run record (an in-toto Statement over every file the
 * run produced, re-hashed from disk) written atomically and chained into the ledger.
 * Safe to repeat: a re-run rewrites the same record and appends a new ledger entry.
 */
export async function runPersist(deps: TrackDeps, { input }: { input: TrackInput }): Promise<PersistOutput> {
  const products: { path: string; sha256: string }[] = [];
  for (const ref of input.evidence) {
    const abs = join(deps.paths.cwd, ref.path);
    const { sha256 } = await digestFile(abs);
    if (sha256 !== ref.sha256) {
      return { ok: false, reason: `${ref.path} changed after it was recorded (sha256 ${sha256} ≠ ${ref.sha256})`, facts: [], evidence: [], sideEffects: [] };
    }
    if (!products.some((p) => p.path === ref.path)) products.push({ path: ref.path, sha256 });
  }
  // The bundle is not authenticated as a whole, so the record pins every line's digest.
  const lines = input.evidence.find((e) => e.id === "test-results");
  const evidenceLines = lines === undefined ? [] : jsonlLineDigests(Buffer.from(orInputError(await readInput(join(deps.paths.cwd, lines.path), { kind: "evidence", noSymlink: true }))));
  const recordPath = join(deps.paths.reportsDir, `run-record-${input.runId}.json`);
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
  });
  const at = deps.now().toISOString();
  const { recordSha256, entry } = await persistRunRecord({ recordPath, ledgerPath: join(deps.paths.reportsDir, "ledger.ndjson"), record, at });
  const path = relative(deps.paths.cwd, recordPath);
  const { bytes: recordBytes } = await digestFile(recordPath);
  return {
    ok: true,
    reason: `run record ${path} written and chained as ledger entry ${entry.seq}`,
    facts: [{ id: "persist.ledgerHash", value: entry.hash, source: "reports/ledger.ndjson", observedAt: at }],
    evidence: [{ id: "run-record", path, sha256: recordSha256, bytes: recordBytes, track: "persist", origin: "produced", createdAt: at }],
    sideEffects: [{ kind: "file-written", detail: path, at }],
  };
}
