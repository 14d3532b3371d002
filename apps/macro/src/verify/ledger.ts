import { join, dirname } from "node:path";
import { readLedger, runRecordName } from "@macro/report";
import { readEvidenceFile, reasonOf, sha256Hex } from "@macro/verifier";
import type { EvidenceKeys } from "../lib/keys.ts";
import { check, type Check, type Verification } from "./types.ts";

export const UNSIGNED_LEDGER_LIMIT =
  "no signing key is configured (sandbox.signing.signingKey): the ledger head is unsigned, so dropping the last entries, or rebuilding the chain after an edit, cannot be detected";

/**
 * The ledger walked from its first entry: every line canonical and hashed, the chain unbroken,
 * with a key the signed head matching its end, and every entry's run record present under its
 * content-addressed name with exactly the bytes the entry pins.
 */
export async function verifyLedgerFile(path: string, keys: EvidenceKeys): Promise<Verification> {
  const checks: Check[] = [];
  const read = readLedger(path, keys.ledger.verifier);
  if (!read.ok) {
    const p = read.error;
    checks.push(check("chain", [reasonOf(p.code, `${path}:${p.line}: ${p.message}`)]));
    return { kind: "ledger", file: path, checks, limits: keys.required ? [] : [UNSIGNED_LEDGER_LIMIT] };
  }
  checks.push(check(`chain of ${read.value.entries.length} entries${read.value.anchor === "signed" ? ", signed head" : ""}`, []));
  const records = [];
  for (const entry of read.value.entries) {
    const file = join(dirname(path), runRecordName(entry.runId, entry.recordSha256));
    const bytes = await readEvidenceFile(file);
    if (!bytes.ok) records.push(reasonOf("RECORD_MISSING", `entry ${entry.seq} (run ${entry.runId}): ${bytes.error.message}`));
    else if (sha256Hex(bytes.value) !== entry.recordSha256) records.push(reasonOf("RECORD_CHANGED", `entry ${entry.seq}: ${file} no longer has the bytes the ledger pins`));
  }
  checks.push(check("every entry's run record present and unchanged", records));
  return { kind: "ledger", file: path, checks, limits: read.value.anchor === "signed" ? [] : [UNSIGNED_LEDGER_LIMIT] };
}
