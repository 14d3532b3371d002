import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import * as z from "zod";
import { InputError, Sha256Hex, err, ok, type Result } from "@macro/ssot";
import { dirname } from "node:path";
import { ensureDir, writeFilesAtomic } from "./fs-atomic.ts";
import { canonicalJson, sha256Hex } from "./hash.ts";
import { withFileLock, type LockOptions } from "./lock.ts";
import { RunStatus } from "./run-record.ts";

export const GENESIS_HASH = "0".repeat(64);

export const LedgerEntry = z.strictObject({
  seq: z.number().int().positive(),
  at: z.string().min(1),
  runId: z.string().min(1),
  status: RunStatus,
  recordSha256: Sha256Hex,
  prevHash: Sha256Hex,
  hash: Sha256Hex,
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

/** What a caller supplies; the chain fields are computed under the lock. */
export interface LedgerAppend {
  at: string;
  runId: string;
  status: RunStatus;
  /** sha256 of the run record file's bytes. */
  recordSha256: string;
}

export interface LedgerProblem {
  /** 1-based line number; 0 when the file itself is the problem. */
  line: number;
  code: string;
  message: string;
}

/** The hash of an entry: sha256 of its canonical JSON (sorted keys) without `hash`. */
export function entryHash(entry: Omit<LedgerEntry, "hash">): string {
  const { seq, at, runId, status, recordSha256, prevHash } = entry;
  return sha256Hex(canonicalJson({ seq, at, runId, status, recordSha256, prevHash }));
}

/** The exact bytes of a ledger line (without newline): canonical JSON, so edits are visible. */
export function serializeEntry(entry: LedgerEntry): string {
  return canonicalJson({ ...entry });
}

/**
 * Append one entry to the NDJSON ledger under an exclusive `<ledger>.lock`, so two runs
 * never interleave. The existing chain is verified first: appending to a broken chain
 * would launder it, so a broken ledger throws InputError (code LEDGER_INVALID).
 * The file is replaced atomically, so a crash leaves the old ledger or the new one.
 *
 * Verifying every line on every append made each run slower than the last. The verified
 * state is therefore kept beside the ledger (`<ledger>.verified`): how many bytes were
 * verified, their sha256, and the head. When the ledger still starts with exactly those
 * bytes, and its last verified line still hashes to that head, only the lines after them
 * are checked; every other change to the verified part falls back to checking every line.
 * The record adds no trust: whoever can rewrite it can rewrite the chain itself.
 */
export async function appendLedger(
  ledgerPath: string,
  entry: LedgerAppend,
  lock: LockOptions = {},
  /** Files written with the ledger and made visible before it (the run record it binds); written even when the ledger is refused. */
  before: readonly { path: string; data: string | Uint8Array }[] = [],
): Promise<LedgerEntry> {
  const input = z
    .object({ at: z.string().min(1), runId: z.string().min(1), status: RunStatus, recordSha256: Sha256Hex })
    .parse(entry);
  await ensureDir(dirname(ledgerPath));
  return withFileLock(
    `${ledgerPath}.lock`,
    async () => {
      const bytes = await readOrEmpty(ledgerPath);
      const checked = verifyFrom(bytes, await readVerified(`${ledgerPath}${VERIFIED_SUFFIX}`));
      if (!checked.ok) {
        if (before.length > 0) await writeFilesAtomic(before);
        const p = checked.error;
        throw new InputError("LEDGER_INVALID", `${ledgerPath}:${p.line}: ${p.code}: ${p.message}`, { file: ledgerPath });
      }
      const base = { seq: checked.value.entries + 1, ...input, prevHash: checked.value.headHash };
      const full: LedgerEntry = { ...base, hash: entryHash(base) };
      const next = Buffer.concat([bytes, Buffer.from(`${serializeEntry(full)}\n`)]);
      const verified: VerifiedPrefix = { schema: "macro/ledger-verified/v1", bytes: next.byteLength, sha256: sha256Hex(next), entries: full.seq, headHash: full.hash };
      // One round of writes and fsyncs; the renames keep the order, so the ledger never names
      // a record that is not yet in place.
      await writeFilesAtomic([...before, { path: ledgerPath, data: next }, { path: `${ledgerPath}${VERIFIED_SUFFIX}`, data: `${JSON.stringify(verified)}\n` }]);
      return full;
    },
    lock,
  );
}

const VERIFIED_SUFFIX = ".verified";

const VerifiedPrefix = z.strictObject({
  schema: z.literal("macro/ledger-verified/v1"),
  bytes: z.number().int().nonnegative(),
  sha256: Sha256Hex,
  entries: z.number().int().nonnegative(),
  headHash: Sha256Hex,
});
type VerifiedPrefix = z.infer<typeof VerifiedPrefix>;

/** The verified-prefix record, or null when it is missing or not one (then every line is checked). */
async function readVerified(path: string): Promise<VerifiedPrefix | null> {
  try {
    const parsed = VerifiedPrefix.safeParse(JSON.parse(await readFile(path, "utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The chain's state, checking only what follows a still-intact verified prefix. */
function verifyFrom(bytes: Buffer, verified: VerifiedPrefix | null): Result<{ entries: number; headHash: string }, LedgerProblem> {
  const intact =
    verified !== null &&
    verified.entries > 0 &&
    verified.bytes <= bytes.byteLength &&
    bytes[verified.bytes - 1] === 0x0a &&
    sha256Hex(bytes.subarray(0, verified.bytes)) === verified.sha256 &&
    headLineHashes(bytes.subarray(0, verified.bytes), verified);
  if (!intact) return verifyLedgerText(bytes.toString("utf8"));
  const tail = readLedgerText(bytes.subarray(verified.bytes).toString("utf8"), { entries: verified.entries, headHash: verified.headHash });
  return tail.ok ? ok({ entries: verified.entries + tail.value.entries.length, headHash: tail.value.headHash }) : tail;
}

/** The prefix's last line is an entry whose own hash, seq and head are the record's. */
function headLineHashes(prefix: Buffer, verified: VerifiedPrefix): boolean {
  const start = prefix.lastIndexOf(0x0a, prefix.byteLength - 2) + 1;
  const head = readEntryLine(prefix.subarray(start, prefix.byteLength - 1).toString("utf8"), verified.entries);
  return head.ok && head.value.hash === verified.headHash && head.value.seq === verified.entries;
}

/**
 * Check the whole chain: each line canonical, parseable, its hash recomputed, seq
 * consecutive from 1, prevHash equal to the previous line's hash (genesis: 64 zeros).
 * Detects edited, dropped, inserted and reordered lines. Dropping lines from the END is
 * invisible to any chain; compare `headHash` with the run record or an external anchor.
 */
export function verifyLedger(path: string): Result<{ entries: number; headHash: string }, LedgerProblem> {
  const read = readLedger(path);
  return read.ok ? ok({ entries: read.value.entries.length, headHash: read.value.headHash }) : read;
}

/** The verified entries, oldest first (e.g. for `macro status`); the same checks as verifyLedger. */
export function readLedger(path: string): Result<{ entries: LedgerEntry[]; headHash: string }, LedgerProblem> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = error instanceof Error && "code" in error && error.code === "ENOENT" ? "LEDGER_MISSING" : "LEDGER_UNREADABLE";
    return err({ line: 0, code, message: `${path}: ${error instanceof Error ? error.message : String(error)}` });
  }
  return readLedgerText(text);
}

/** verifyLedger over text already in hand. An empty ledger is a valid chain of 0 entries. */
export function verifyLedgerText(text: string): Result<{ entries: number; headHash: string }, LedgerProblem> {
  const read = readLedgerText(text);
  return read.ok ? ok({ entries: read.value.entries.length, headHash: read.value.headHash }) : read;
}

/** `after`: the lines in `text` follow that many verified entries ending in that head. */
function readLedgerText(text: string, after = { entries: 0, headHash: GENESIS_HASH }): Result<{ entries: LedgerEntry[]; headHash: string }, LedgerProblem> {
  const entries: LedgerEntry[] = [];
  if (text === "") return ok({ entries, headHash: after.headHash });
  if (!text.endsWith("\n")) return err({ line: after.entries + countLines(text), code: "TRUNCATED", message: "last line has no newline (torn write?)" });
  const lines = text.slice(0, -1).split("\n");
  let prev = after.headHash;
  for (const [i, raw] of lines.entries()) {
    const line = after.entries + i + 1;
    const read = readEntryLine(raw, line);
    if (!read.ok) return read;
    const e = read.value;
    if (e.seq !== line) return err({ line, code: "SEQ_GAP", message: `expected seq ${line}, found ${e.seq} (line dropped, inserted or reordered)` });
    if (e.prevHash !== prev) return err({ line, code: "CHAIN_BROKEN", message: `prevHash does not match the hash of line ${line - 1}` });
    prev = e.hash;
    entries.push(e);
  }
  return ok({ entries, headHash: prev });
}

/** One line on its own: JSON, a well-formed entry, in canonical form, its hash over its content. */
function readEntryLine(raw: string, line: number): Result<LedgerEntry, LedgerProblem> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return err({ line, code: "NOT_JSON", message: "line is not JSON" });
  }
  const parsed = LedgerEntry.safeParse(json);
  if (!parsed.success) return err({ line, code: "BAD_ENTRY", message: z.prettifyError(parsed.error) });
  const e = parsed.data;
  if (serializeEntry(e) !== raw) return err({ line, code: "NOT_CANONICAL", message: "line bytes are not the canonical form of its entry" });
  if (entryHash(e) !== e.hash) return err({ line, code: "HASH_MISMATCH", message: `entry seq ${e.seq} was edited: its hash does not match its content` });
  return ok(e);
}

// --- internal ---

function countLines(text: string): number {
  return text.split("\n").length;
}

async function readOrEmpty(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return Buffer.alloc(0);
    throw error;
  }
}
