import { err, ok, parseStrictJson, readInput, type InputReadError, type Result } from "@macro/ssot";
import { reason, type Reason } from "./reason.ts";

/**
 * The bounds every evidence file is read within. A sandbox attestation is ~30 KB and a run's
 * test results a few hundred; the limits are far past any honest file and far below harm.
 */
export const EVIDENCE_LIMITS = {
  /** An attestation bundle, a run record, a binding: one JSON document. */
  documentBytes: 16 * 1024 * 1024,
  /** A JSONL evidence file or a ledger. */
  linesBytes: 64 * 1024 * 1024,
  maxDepth: 64,
} as const;

/**
 * The one strict parse for evidence: duplicate keys (a failing value first, a passing one last),
 * a BOM, bytes after the value, nesting past a fixed depth and oversize input are refused with
 * their own code, never resolved the way JSON.parse would resolve them.
 */
export function parseEvidenceJson(bytes: Uint8Array | string, where = "(root)", maxBytes: number = EVIDENCE_LIMITS.documentBytes): Result<unknown, Reason> {
  const parsed = parseStrictJson(bytes, { maxBytes, maxDepth: EVIDENCE_LIMITS.maxDepth });
  if (parsed.ok) return parsed;
  const e = parsed.error;
  return err(reason(e.code, `${where}: ${e.path}: ${e.message} (offset ${e.offset})`, where));
}

export interface UnreadableEvidence {
  code: InputReadError["code"];
  message: string;
  file: string;
}

/**
 * Every evidence file is opened here: regular files only (FIFO, device, socket and directory are
 * refused before any open, and the open is non-blocking), size-bounded, read to at most limit + 1.
 */
export async function readEvidenceFile(path: string, maxBytes: number = EVIDENCE_LIMITS.documentBytes, shown = path): Promise<Result<Uint8Array, UnreadableEvidence>> {
  const read = await readInput(path, { kind: "evidence", maxBytes, shown });
  return read.ok ? ok(read.value) : err({ code: read.error.code, message: read.error.message, file: read.error.file });
}
