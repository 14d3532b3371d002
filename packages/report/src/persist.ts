import { dirname } from "node:path";
import { ensureDir } from "./fs-atomic.ts";
import { serializeJson, sha256Hex } from "./hash.ts";
import { appendLedger, type LedgerEntry } from "./ledger.ts";
import type { LockOptions } from "./lock.ts";
import type { RunRecord } from "./run-record.ts";

/**
 * The persist track's write: the run record and one ledger entry binding the sha256 of
 * exactly its bytes, written together under the ledger's lock, the record made visible
 * first. If the ledger refuses the append, the record is still written, unchained, and the
 * error propagates: the run must not report success.
 */
export async function persistRunRecord(options: {
  recordPath: string;
  ledgerPath: string;
  record: RunRecord;
  at: string;
  lock?: LockOptions;
}): Promise<{ recordSha256: string; entry: LedgerEntry }> {
  const bytes = serializeJson(options.record);
  const recordSha256 = sha256Hex(bytes);
  await ensureDir(dirname(options.recordPath));
  const { predicate } = options.record;
  // The record goes down with the ledger line, made visible before it (see appendLedger).
  const entry = await appendLedger(
    options.ledgerPath,
    { at: options.at, runId: predicate.runId, status: predicate.status, recordSha256 },
    options.lock,
    [{ path: options.recordPath, data: bytes }],
  );
  return { recordSha256, entry };
}
