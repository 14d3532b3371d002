import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { lstat, open, stat, type FileHandle } from "node:fs/promises";
import { resolve } from "node:path";
import { err, InputError, ok, type Result } from "./errors.ts";

/**
 * Every kind of file macro reads from a user, each with the size no honest one comes near. A
 * limit per kind rather than one big one: a key file of 100 MB is an attack, a test-result file
 * of 100 MB is merely large.
 */
export const INPUT_LIMITS = {
  ssot: 1024 * 1024,
  matrix: 512 * 1024,
  /** A PEM public or private key. */
  key: 64 * 1024,
  /** A seccomp profile or an attestation profile variant. */
  profile: 1024 * 1024,
  dockerfile: 256 * 1024,
  /** Simulated venue facts. */
  facts: 256 * 1024,
  /** A packet's top-level files (manifest, attestation) as the host reads them. */
  "packet-file": 16 * 1024 * 1024,
  /** An attestation or evidence bundle (DSSE envelope and the files it names). */
  bundle: 64 * 1024 * 1024,
  /** Evidence macro wrote itself and reads back: checkpoints, run records, test results. */
  evidence: 256 * 1024 * 1024,
  /** A script macro ships and runs in the sandbox (probe bundle, inspector bundle). */
  artifact: 64 * 1024 * 1024,
} as const;
export type InputKind = keyof typeof INPUT_LIMITS;

export type InputReadErrorCode =
  | "INPUT_NOT_FOUND"
  | "INPUT_NOT_REGULAR"
  | "INPUT_TOO_LARGE"
  | "INPUT_UNREADABLE"
  | "INPUT_CHANGED"
  | "INPUT_NOT_UTF8";

export interface InputReadError {
  code: InputReadErrorCode;
  /** The path as the caller showed it to the user. */
  file: string;
  kind: InputKind;
  message: string;
}

export interface ReadInputOptions {
  kind: InputKind;
  /** The path as the user typed it, for messages; defaults to the path given. */
  shown?: string;
  /** Tighter than the kind's limit, never looser. */
  maxBytes?: number;
  /** Refuse a symbolic link even to a regular file (files inside a packet, say). */
  noSymlink?: boolean;
}

/**
 * The one reader for every input. `lstat` first so a FIFO, device, socket or directory is
 * refused without being opened (opening a FIFO blocks until a writer comes; `/dev/zero` never
 * ends); then opened O_NONBLOCK (a FIFO swapped in after the check still cannot block) and
 * O_NOFOLLOW when the path was no link, re-`fstat`ed (the same inode, still regular), and read
 * to at most limit + 1 bytes so a file that grows after the `fstat` is caught as too large.
 */
export async function readInput(path: string, options: ReadInputOptions): Promise<Result<Uint8Array, InputReadError>> {
  const c = context(path, options);
  let before: Stats;
  let wasLink = false;
  try {
    before = await lstat(c.absolute);
    if (before.isSymbolicLink()) {
      wasLink = true;
      if (options.noSymlink === true) return c.fail("INPUT_NOT_REGULAR", "is a symbolic link; refused");
      before = await stat(c.absolute);
    }
  } catch (cause) {
    return c.fail(...openFailure(cause));
  }
  const shape = c.checkShape(before);
  if (shape !== null) return shape;

  let handle: FileHandle;
  try {
    handle = await open(c.absolute, c.flags(wasLink));
  } catch (cause) {
    return c.fail(...openFailure(cause));
  }
  try {
    const after = await handle.stat();
    const changed = c.checkSame(before, after);
    if (changed !== null) return changed;
    let buf = c.buffer(after.size);
    let filled = 0;
    for (;;) {
      if (filled === buf.byteLength) buf = grow(buf, c.limit);
      const { bytesRead } = await handle.read(buf, filled, buf.byteLength - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled > c.limit) return c.tooLarge(filled, "grew while read");
    }
    return ok(buf.slice(0, filled));
  } catch (cause) {
    return c.fail(...openFailure(cause));
  } finally {
    await handle.close();
  }
}

/** The same reader for the few callers that must stay synchronous. */
export function readInputSync(path: string, options: ReadInputOptions): Result<Uint8Array, InputReadError> {
  const c = context(path, options);
  let before: Stats;
  let wasLink = false;
  try {
    before = lstatSync(c.absolute);
    if (before.isSymbolicLink()) {
      wasLink = true;
      if (options.noSymlink === true) return c.fail("INPUT_NOT_REGULAR", "is a symbolic link; refused");
      before = statSync(c.absolute);
    }
  } catch (cause) {
    return c.fail(...openFailure(cause));
  }
  const shape = c.checkShape(before);
  if (shape !== null) return shape;

  let fd: number;
  try {
    fd = openSync(c.absolute, c.flags(wasLink));
  } catch (cause) {
    return c.fail(...openFailure(cause));
  }
  try {
    const after = fstatSync(fd);
    const changed = c.checkSame(before, after);
    if (changed !== null) return changed;
    let buf = c.buffer(after.size);
    let filled = 0;
    for (;;) {
      if (filled === buf.byteLength) buf = grow(buf, c.limit);
      const bytesRead = readSync(fd, buf, filled, buf.byteLength - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled > c.limit) return c.tooLarge(filled, "grew while read");
    }
    return ok(buf.slice(0, filled));
  } catch (cause) {
    return c.fail(...openFailure(cause));
  } finally {
    closeSync(fd);
  }
}

/** `readInput`, then UTF-8 decoded strictly (invalid bytes refused, never replaced). */
export async function readInputText(path: string, options: ReadInputOptions): Promise<Result<string, InputReadError>> {
  const read = await readInput(path, options);
  return read.ok ? decodeInput(read.value, path, options) : read;
}

export function readInputTextSync(path: string, options: ReadInputOptions): Result<string, InputReadError> {
  const read = readInputSync(path, options);
  return read.ok ? decodeInput(read.value, path, options) : read;
}

function decodeInput(bytes: Uint8Array, path: string, options: ReadInputOptions): Result<string, InputReadError> {
  try {
    return ok(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return context(path, options).fail("INPUT_NOT_UTF8", "is not valid UTF-8");
  }
}

/** A reader's refusal as the exit-2 error the CLI's top-level catch reports. */
export function inputError(e: InputReadError): InputError {
  return new InputError(e.code, e.message, { file: e.file });
}

/** Unwraps a read for a caller with nothing to do on failure but stop the command with exit 2. */
export function orInputError<T>(r: Result<T, InputReadError>): T {
  if (!r.ok) throw inputError(r.error);
  return r.value;
}

// --- internal ---

function context(path: string, options: ReadInputOptions) {
  const shown = options.shown ?? path;
  const kindLimit = INPUT_LIMITS[options.kind];
  const limit = options.maxBytes === undefined ? kindLimit : Math.min(options.maxBytes, kindLimit);
  const fail = (code: InputReadErrorCode, what: string): { ok: false; error: InputReadError } =>
    err({ code, file: shown, kind: options.kind, message: `${shown}: ${what}` });
  const tooLarge = (size: number, how = "is") =>
    fail("INPUT_TOO_LARGE", `${how === "is" ? "is" : how + ":"} ${size} bytes, over the ${limit}-byte limit for a ${options.kind} file; refused`);
  return {
    absolute: resolve(path),
    limit,
    fail,
    tooLarge,
    checkShape(st: Stats) {
      if (!st.isFile()) return fail("INPUT_NOT_REGULAR", `is ${describe(st)}, not a regular file; refused`);
      if (st.size > limit) return tooLarge(st.size);
      return null;
    },
    checkSame(before: Stats, after: Stats) {
      if (after.dev !== before.dev || after.ino !== before.ino || !after.isFile()) {
        return fail("INPUT_CHANGED", "was replaced between its check and its read; refused");
      }
      if (after.size > limit) return tooLarge(after.size);
      return null;
    },
    /**
     * A path that was no link must not become one: O_NOFOLLOW. A link checked above is
     * followed, and the fstat then proves the file opened is the one checked.
     */
    flags(wasLink: boolean): number {
      return constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | (wasLink ? 0 : constants.O_NOFOLLOW);
    },
    /** Starts at the size fstat gave (plus one, to see growth) and grows to at most limit + 1. */
    buffer(size: number): Uint8Array {
      return new Uint8Array(Math.min(limit, size) + 1);
    },
  };
}

function grow(buf: Uint8Array, limit: number): Uint8Array {
  const next = new Uint8Array(Math.min(Math.max(buf.byteLength * 2, 4096), limit + 1));
  next.set(buf);
  return next;
}

function describe(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  return "not a regular file";
}

function openFailure(cause: unknown): [InputReadErrorCode, string] {
  const code = (cause as NodeJS.ErrnoException).code ?? "unknown error";
  if (code === "ENOENT") return ["INPUT_NOT_FOUND", "no such file"];
  if (code === "ENOTDIR") return ["INPUT_NOT_FOUND", "a part of the path is not a directory"];
  if (code === "ELOOP") return ["INPUT_CHANGED", "is a symbolic link (or became one); refused"];
  return ["INPUT_UNREADABLE", `cannot be read (${code})`];
}
