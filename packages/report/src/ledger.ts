import * as z from "zod";
import { InputError, Sha256Hex, err, ok, parseStrictJson, readInputSync, type Result } from "@macro/ssot";
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

/** The entry hash: sha256 of its canonical JSON (sorted keys) without `hash`. */
export function entryHash(entry: Omit<LedgerEntry, "hash">): string {
  const { seq, at, runId, status, recordSha256, prevHash } = entry;
  return sha256Hex(canonicalJson({ seq, at, runId, status, recordSha256, prevHash }));
}

/** The exact bytes of a ledger line (without newline): canonical JSON, so edits are visible. */
export function serializeEntry(entry: LedgerEntry): string {
  return canonicalJson({ ...entry });
}

/** A ledger past this is not one macro wrote; it is refused, never read whole. */
export const LEDGER_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Append one entry to the NDJSON ledger under an exclusive `<ledger>.lock`, so two runs
 * never interleave. The whole existing chain is verified first, every time (no shortcut kept
 * beside it: a record of what was checked could be edited with the chain it vouches for), and
 * with a key its signed head too: appending to a broken chain would launder it, so a broken
 * ledger throws InputError (code LEDGER_INVALID). With a signer, the new head is signed and
 * written with the ledger, which makes a re-chained edit or a dropped last line detectable.
 * The files are replaced atomically, so a crash leaves the old ledger or the new one.
 */
export async function appendLedger(
  ledgerPath: string,
  entry: LedgerAppend,
  lock: LockOptions = {},
  /** Files written with the ledger and made visible before it (the run record it binds); written even when the ledger is refused. */
  before: readonly { path: string; data: string | Uint8Array }[] = [],
  head: LedgerKeys = NO_KEYS,
): Promise<LedgerEntry> {
  const input = z
    .object({ at: z.string().min(1), runId: z.string().min(1), status: RunStatus, recordSha256: Sha256Hex })
    .parse(entry);
  await ensureDir(dirname(ledgerPath));
  return withFileLock(
    `${ledgerPath}.lock`,
    async () => {
      const bytes = readOrEmpty(ledgerPath);
      const checked = bytes.ok ? checkLedgerBytes(bytes.value, ledgerPath, head.verifier) : bytes;
      if (!checked.ok) {
        if (before.length > 0) await writeFilesAtomic(before);
        const p = checked.error;
        throw new InputError("LEDGER_INVALID", `${ledgerPath}:${p.line}: ${p.code}: ${p.message}`, { file: ledgerPath });
      }
      const base = { seq: checked.value.entries + 1, ...input, prevHash: checked.value.headHash };
      const full: LedgerEntry = { ...base, hash: entryHash(base) };
      const next = Buffer.concat([bytes.ok ? bytes.value : Buffer.alloc(0), Buffer.from(`${serializeEntry(full)}\n`)]);
      const signedHead = head.signer === null ? [] : [{ path: ledgerHeadPath(ledgerPath), data: head.signer.sign(Buffer.from(headPayload(full.seq, full.hash))) }];
      // One round of writes and fsyncs; the renames keep the order, so the ledger never names
      // a record that is not yet in place, and the head never runs ahead of the ledger.
      await writeFilesAtomic([...before, { path: ledgerPath, data: next }, ...signedHead]);
      return full;
    },
    lock,
  );
}

/** Signs a ledger head: returns the serialized DSSE envelope over the given bytes. */
export interface HeadSigner {
  sign(payload: Uint8Array): string;
}

/** Opens a signed head: the payload bytes a trusted key signed, or why not. */
export interface HeadVerifier {
  open(envelope: Uint8Array): Result<Uint8Array, string>;
}

export interface LedgerKeys {
  signer: HeadSigner | null;
  verifier: HeadVerifier | null;
}

export const NO_KEYS: LedgerKeys = { signer: null, verifier: null };

/** `<ledger>.head.json`: the signed anchor (entries, head hash) of the chain. */
export function ledgerHeadPath(ledgerPath: string): string {
  return `${ledgerPath}.head.json`;
}

const LedgerHead = z.strictObject({ schema: z.literal("macro/ledger-head/v1"), entries: z.number().int().nonnegative(), headHash: Sha256Hex });

function headPayload(entries: number, headHash: string): string {
  return canonicalJson({ schema: "macro/ledger-head/v1", entries, headHash });
}

export interface LedgerCheck {
  entries: number;
  headHash: string;
  /** "signed": the head verified under a trusted key and matches the chain; "unsigned": no key, so a re-chained ledger or a dropped last line cannot be detected. */
  anchor: "signed" | "unsigned";
}

/**
 * Check the whole chain: each line canonical, parseable, its hash recomputed, seq
 * consecutive from 1, prevHash equal to the previous line's hash (genesis: 64 zeros).
 * Detects edited, dropped, inserted and reordered lines. A chain alone cannot see lines
 * dropped from the END, nor a chain rebuilt after an edit: with a verifier, the signed head
 * must exist, verify, and name exactly the last entry, which makes both visible.
 */
export function verifyLedger(path: string, verifier: HeadVerifier | null = null): Result<LedgerCheck, LedgerProblem> {
  const bytes = readBounded(path, LEDGER_MAX_BYTES);
  if (!bytes.ok) return bytes;
  return checkLedgerBytes(bytes.value, path, verifier);
}

/** The verified entries, oldest first (e.g. for `macro status`); the same checks as verifyLedger. */
export function readLedger(path: string, verifier: HeadVerifier | null = null): Result<{ entries: LedgerEntry[]; headHash: string; anchor: LedgerCheck["anchor"] }, LedgerProblem> {
  const bytes = readBounded(path, LEDGER_MAX_BYTES);
  if (!bytes.ok) return bytes;
  const read = readLedgerText(bytes.value.toString("utf8"));
  if (!read.ok) return read;
  const anchored = checkHead(path, read.value.entries.length, read.value.headHash, verifier);
  return anchored.ok ? ok({ ...read.value, anchor: anchored.value }) : anchored;
}

/** verifyLedger over text already in hand (no head: the chain alone). An empty ledger is a valid chain of 0 entries. */
export function verifyLedgerText(text: string): Result<{ entries: number; headHash: string }, LedgerProblem> {
  const read = readLedgerText(text);
  return read.ok ? ok({ entries: read.value.entries.length, headHash: read.value.headHash }) : read;
}

function checkLedgerBytes(bytes: Buffer, path: string, verifier: HeadVerifier | null): Result<LedgerCheck, LedgerProblem> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return err({ line: 0, code: "NOT_UTF8", message: `${path} is not UTF-8` });
  }
  const read = readLedgerText(text);
  if (!read.ok) return read;
  const anchored = checkHead(path, read.value.entries.length, read.value.headHash, verifier);
  return anchored.ok ? ok({ entries: read.value.entries.length, headHash: read.value.headHash, anchor: anchored.value }) : anchored;
}

/** With a verifier, the signed head must name exactly this chain's length and last hash. */
function checkHead(path: string, entries: number, headHash: string, verifier: HeadVerifier | null): Result<LedgerCheck["anchor"], LedgerProblem> {
  if (verifier === null) return ok("unsigned");
  const headFile = ledgerHeadPath(path);
  const raw = readBounded(headFile, 64 * 1024);
  if (!raw.ok && !(raw.error.code === "LEDGER_MISSING")) return err({ line: 0, code: "HEAD_MISSING", message: `${headFile}: ${raw.error.message}` });
  return checkHeadBytes(raw.ok ? raw.value : null, entries, headHash, verifier, headFile);
}

function checkHeadBytes(raw: Uint8Array | null, entries: number, headHash: string, verifier: HeadVerifier, headFile: string): Result<LedgerCheck["anchor"], LedgerProblem> {
  if (raw === null) {
    // A fresh ledger has no head yet; anything with entries must have one.
    if (entries === 0) return ok("signed");
    return err({ line: 0, code: "HEAD_MISSING", message: `${headFile}: the ledger has ${entries} entries but no signed head: written without a key, or the head was removed` });
  }
  const opened = verifier.open(raw);
  if (!opened.ok) return err({ line: 0, code: "HEAD_SIGNATURE", message: `${headFile}: ${opened.error}` });
  const parsed = parseStrictJson(opened.value, { maxBytes: 64 * 1024, maxDepth: 4 });
  const head = parsed.ok ? LedgerHead.safeParse(parsed.value) : null;
  if (head === null || !head.success) return err({ line: 0, code: "HEAD_INVALID", message: `${headFile}: the signed head is not a macro/ledger-head/v1 document` });
  if (head.data.entries !== entries || head.data.headHash !== headHash) {
    return err({
      line: entries,
      code: "HEAD_MISMATCH",
      message: `the signed head names ${head.data.entries} entries ending in ${head.data.headHash.slice(0, 16)}…, the chain has ${entries} ending in ${headHash.slice(0, 16)}…: lines were dropped from the end, or the chain was rebuilt after an edit`,
    });
  }
  return ok("signed");
}

/** The same checks over bytes in hand (the conformance kit): the ledger, and its head when there is one. */
export function verifyLedgerBytes(ledger: Uint8Array, head: Uint8Array | null, verifier: HeadVerifier | null): Result<LedgerCheck, LedgerProblem> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(ledger);
  } catch {
    return err({ line: 0, code: "NOT_UTF8", message: "the ledger is not UTF-8" });
  }
  const read = readLedgerText(text);
  if (!read.ok) return read;
  const n = read.value.entries.length;
  const anchored = verifier === null ? ok("unsigned" as const) : checkHeadBytes(head, n, read.value.headHash, verifier, "head");
  return anchored.ok ? ok({ entries: n, headHash: read.value.headHash, anchor: anchored.value }) : anchored;
}

/** The head a signer makes for a chain of `entries` ending in `headHash` (the kit builds heads with it). */
export function signHead(signer: HeadSigner, entries: number, headHash: string): string {
  return signer.sign(Buffer.from(headPayload(entries, headHash)));
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
  const json = parseStrictJson(raw, { maxBytes: 64 * 1024, maxDepth: 4 });
  if (!json.ok) return err({ line, code: "NOT_JSON", message: `line is not strict JSON: ${json.error.code} ${json.error.message}` });
  const parsed = LedgerEntry.safeParse(json.value);
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

/** Through the one bounded reader: regular files only, never a blocking open, never past `max`. */
function readBounded(path: string, max: number): Result<Buffer, LedgerProblem> {
  const read = readInputSync(path, { kind: "evidence", maxBytes: max });
  if (read.ok) return ok(Buffer.from(read.value.buffer, read.value.byteOffset, read.value.byteLength));
  const code = read.error.code === "INPUT_NOT_FOUND" ? "LEDGER_MISSING" : "LEDGER_UNREADABLE";
  return err({ line: 0, code, message: read.error.message });
}

function readOrEmpty(path: string): Result<Buffer, LedgerProblem> {
  const read = readBounded(path, LEDGER_MAX_BYTES);
  if (!read.ok && read.error.code === "LEDGER_MISSING") return ok(Buffer.alloc(0));
  return read;
}
