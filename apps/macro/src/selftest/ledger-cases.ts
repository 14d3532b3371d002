import { entryHash, GENESIS_HASH, serializeEntry, signHead, verifyLedgerBytes, type HeadSigner, type HeadVerifier, type LedgerEntry } from "@macro/report";
import { KIT_STRANGER, KIT_TRUSTED, signEnvelope, sha256Hex, type ConformanceCase } from "@macro/verifier";
import { headVerifier } from "../lib/keys.ts";

/** What the ledger cases run against: the real chain-and-head check, injectable like the binder. */
export interface LedgerTargets {
  verifyLedgerBytes: typeof verifyLedgerBytes;
}

const signerOf = (pem: string): HeadSigner => ({ sign: (payload) => JSON.stringify(signEnvelope(payload, pem)) });

function chain(n: number, edit?: (e: Omit<LedgerEntry, "hash">, i: number) => Omit<LedgerEntry, "hash">): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    let base: Omit<LedgerEntry, "hash"> = { seq: i, at: `2026-11-28T09:0${i}:00.000Z`, runId: `run-${i}`, status: "closed", recordSha256: sha256Hex(`record ${i}`), prevHash: prev };
    if (edit !== undefined) base = edit(base, i);
    const entry = { ...base, hash: entryHash(base) };
    out.push(entry);
    prev = entry.hash;
  }
  return out;
}

const bytes = (lines: string[]): Buffer => Buffer.from(lines.map((l) => `${l}\n`).join(""));
const serialize = (entries: LedgerEntry[]): string[] => entries.map(serializeEntry);

/**
 * The ledger's tamper classes, with the kit's key configured: every edit, re-chained or not, a
 * dropped last line, a forged append, a missing or foreign head. Without a key a chain cannot
 * see the last two (say so, not pretend): those cases exist only where a key is configured.
 */
export function ledgerCases(): ConformanceCase<LedgerTargets>[] {
  const signer = signerOf(KIT_TRUSTED.privateKeyPem);
  const verifier: HeadVerifier = headVerifier([KIT_TRUSTED.publicKeyPem]);
  const good = chain(3);
  const head = (entries: LedgerEntry[], s = signer) => Buffer.from(signHead(s, entries.length, entries[entries.length - 1]?.hash ?? GENESIS_HASH));
  const cases: ConformanceCase<LedgerTargets>[] = [];
  const add = (id: string, classes: string[], title: string, ledger: Buffer, headBytes: Buffer | null, expected: "accepted" | "rejected" = "rejected"): void => {
    cases.push({
      id,
      classes,
      title,
      expected,
      run: (t) => {
        const r = t.verifyLedgerBytes(ledger, headBytes, verifier);
        return { accepted: r.ok, codes: r.ok ? [] : [r.error.code] };
      },
    });
  };
  const lines = serialize(good);
  add("ledger-control", ["control"], "control: three entries and their signed head", bytes(lines), head(good), "accepted");
  add("ledger-edited", ["I14:ledger-edit"], "one entry's record digest edited, not re-chained", bytes([lines[0] ?? "", (lines[1] ?? "").replace(good[1]?.recordSha256 ?? "", sha256Hex("forged")), lines[2] ?? ""]), head(good));
  const rechained = chain(3, (e, i) => (i === 2 ? { ...e, status: "blocked" } : e));
  add("ledger-rechained", ["I14:ledger-edit"], "an entry edited and every hash after it recomputed", bytes(serialize(rechained)), head(good));
  add("ledger-last-dropped", ["I14:ledger-edit", "§6#19"], "the last entry dropped", bytes(lines.slice(0, 2)), head(good));
  const forged = chain(4);
  add("ledger-forged-append", ["I14:ledger-edit", "§6#19"], "an entry appended without the key", bytes(serialize(forged)), head(good));
  add("ledger-head-removed", ["I14:ledger-edit"], "the signed head removed", bytes(lines), null);
  add("ledger-head-foreign", ["I14:ledger-edit", "§6#9"], "a head signed by a key nobody trusts", bytes(lines), head(good, signerOf(KIT_STRANGER.privateKeyPem)));
  add("ledger-reordered", ["I14:ledger-edit"], "two entries swapped", bytes([lines[1] ?? "", lines[0] ?? "", lines[2] ?? ""]), head(good));
  add("ledger-duplicate-key", ["I14:ambiguous-bytes"], "an entry with a duplicate key", bytes([lines[0] ?? "", (lines[1] ?? "").replace('{"at"', `{"status":"blocked","at"`), lines[2] ?? ""]), head(good));
  add("ledger-not-canonical", ["I14:ledger-edit"], "an entry re-serialised (same values, other bytes)", bytes([lines[0] ?? "", JSON.stringify(JSON.parse(lines[1] ?? "{}"), null, 1).replace(/\n/g, ""), lines[2] ?? ""]), head(good));
  return cases;
}
