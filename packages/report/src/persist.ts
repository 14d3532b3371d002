import { dirname } from "node:path";
import { ensureDir, writeFileAtomic } from "./fs-atomic.ts";
import { serializeJson, sha256Hex } from "./hash.ts";
import { appendLedger, type LedgerEntry } from "./ledger.ts";
import type { LockOptions } from "./lock.ts";
import type { RunRecord } from "./run-record.ts";

/**
 * The persist track's write: the run record atomically, then one ledger entry binding the
 * sha256 of exactly the bytes written. If the ledger append fails, the record file exists
 * but is unchained, and the error propagates: the run must not report success.
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
  await writeFileAtomic(options.recordPath, bytes);
  const { predicate } = options.record;
  const entry = await appendLedger(
    options.ledgerPath,
    { at: options.at, runId: predicate.runId, status: predicate.status, recordSha256 },
    options.lock,
  );
  return { recordSha256, entry };
}
