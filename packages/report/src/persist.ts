import { dirname, join } from "node:path";
import { ensureDir } from "./fs-atomic.ts";
import { serializeJson, sha256Hex } from "./hash.ts";
import { appendLedger, NO_KEYS, type LedgerEntry, type LedgerKeys } from "./ledger.ts";
import type { LockOptions } from "./lock.ts";
import type { RunRecord } from "./run-record.ts";

/** `run-record-<runId>-<sha256[0:16]>.json`: a record is never rewritten, not even by its own run resumed. */
export function runRecordName(runId: string, sha256: string): string {
  return `run-record-${runId}-${sha256.slice(0, 16)}.json`;
}

/** A signed run record's signature: a DSSE envelope over the record's exact bytes, beside it. */
export function runRecordSignaturePath(recordPath: string): string {
  return `${recordPath}.dsse.json`;
}

/**
 * The persist track's write: the run record and one ledger entry binding the sha256 of
 * exactly its bytes, written together under the ledger's lock, the record made visible
 * first. With a key, the record is signed (beside it) and the ledger's new head too. If the
 * ledger refuses the append, the record is still written, unchained, and the error
 * propagates: the run must not report success.
 */
export async function persistRunRecord(options: {
  reportsDir: string;
  ledgerPath: string;
  record: RunRecord;
  at: string;
  lock?: LockOptions;
  keys?: LedgerKeys;
}): Promise<{ recordPath: string; recordSha256: string; entry: LedgerEntry }> {
  const bytes = serializeJson(options.record);
  const recordSha256 = sha256Hex(bytes);
  const { predicate } = options.record;
  const recordPath = join(options.reportsDir, runRecordName(predicate.runId, recordSha256));
  await ensureDir(dirname(recordPath));
  const keys = options.keys ?? NO_KEYS;
  const signature = keys.signer === null ? [] : [{ path: runRecordSignaturePath(recordPath), data: keys.signer.sign(Buffer.from(bytes)) }];
  // The record goes down with the ledger line, made visible before it (see appendLedger).
  const entry = await appendLedger(
    options.ledgerPath,
    { at: options.at, runId: predicate.runId, status: predicate.status, recordSha256 },
    options.lock,
    [{ path: recordPath, data: bytes }, ...signature],
    keys,
  );
  return { recordPath, recordSha256, entry };
}
