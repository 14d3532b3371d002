import { err, ok, type Result } from "./errors.ts";

/**
 * JSON for evidence: what JSON.parse accepts silently is refused here. A duplicate key (JSON.parse
 * keeps the last, so a value can hide behind a second one), a byte-order mark, bytes after the
 * value, nesting deeper than a fixed bound, a number that only parses as ±Infinity, and input over
 * a byte bound. The check is one iterative scan (an explicit stack: no recursion to overflow), and
 * only input it accepts is handed to JSON.parse, whose grammar the scan follows exactly.
 */
export const STRICT_JSON_DEFAULTS = { maxBytes: 64 * 1024 * 1024, maxDepth: 64 } as const;

export type StrictJsonErrorCode =
  | "JSON_TOO_LARGE"
  | "JSON_BOM"
  | "JSON_NOT_UTF8"
  | "JSON_SYNTAX"
  | "JSON_TRAILING"
  | "JSON_DUPLICATE_KEY"
  | "JSON_TOO_DEEP"
  | "JSON_NUMBER_RANGE";

export interface StrictJsonError {
  code: StrictJsonErrorCode;
  /** Never quotes the input (it may hold a secret): a position and a path only. */
  message: string;
  /** Offset in UTF-16 code units of the decoded text (bytes for the byte-level checks). */
  offset: number;
  /** Where in the document, `$.a.b[2]`. */
  path: string;
}

export interface StrictJsonOptions {
  maxBytes?: number;
  maxDepth?: number;
}

type Frame = { obj: true; keys: Set<string>; key: string } | { obj: false; index: number };

export function parseStrictJson(input: Uint8Array | string, options: StrictJsonOptions = {}): Result<unknown, StrictJsonError> {
  const maxBytes = options.maxBytes ?? STRICT_JSON_DEFAULTS.maxBytes;
  const maxDepth = options.maxDepth ?? STRICT_JSON_DEFAULTS.maxDepth;
  let text: string;
  if (typeof input === "string") {
    // A string's UTF-8 size is at least its length; count exactly only when it could matter.
    const size = input.length > maxBytes / 3 ? Buffer.byteLength(input, "utf8") : input.length;
    if (size > maxBytes) return fail("JSON_TOO_LARGE", `${size} bytes, over the ${maxBytes}-byte limit`, 0, "$");
    if (input.charCodeAt(0) === 0xfeff) return fail("JSON_BOM", "starts with a byte-order mark", 0, "$");
    text = input;
  } else {
    if (input.byteLength > maxBytes) return fail("JSON_TOO_LARGE", `${input.byteLength} bytes, over the ${maxBytes}-byte limit`, 0, "$");
    if (input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) return fail("JSON_BOM", "starts with a byte-order mark", 0, "$");
    try {
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(input);
    } catch {
      return fail("JSON_NOT_UTF8", "is not valid UTF-8", 0, "$");
    }
  }
  const scanned = scan(text, maxDepth);
  if (!scanned.ok) return scanned;
  return ok(JSON.parse(text) as unknown);
}

/** A strict-JSON refusal as one line: `<file>: <path>: <message> (offset N)`. */
export function formatStrictJsonError(file: string, e: StrictJsonError): string {
  return `${file}: ${e.path}: ${e.message} (${e.code}, offset ${e.offset})`;
}

// --- internal ---

function fail(code: StrictJsonErrorCode, message: string, offset: number, path: string): { ok: false; error: StrictJsonError } {
  return err({ code, message, offset, path });
}

function pathOf(stack: readonly Frame[]): string {
  let out = "$";
  for (const f of stack) {
    if (!f.obj) out += `[${f.index}]`;
    else if (/^[A-Za-z_$][\w$]{0,63}$/.test(f.key)) out += `.${f.key}`;
    else out += `[${JSON.stringify(f.key.length > 64 ? `${f.key.slice(0, 64)}…` : f.key)}]`;
  }
  return out;
}

const PLAIN = /[^"\\\u0000-\u001f]*/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

function scan(text: string, maxDepth: number): Result<null, StrictJsonError> {
  const n = text.length;
  const stack: Frame[] = [];
  let i = 0;
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i += 1;
      else break;
    }
  };
  const syntax = (what: string) => fail("JSON_SYNTAX", what, i, pathOf(stack));
  /** Scans a string starting at its opening quote; returns the index past the closing one, or -1. */
  const string = (): number => {
    let j = i + 1;
    for (;;) {
      // Skip a run of plain characters in one native step; stop at a quote, a backslash or a control.
      PLAIN.lastIndex = j;
      PLAIN.test(text);
      j = PLAIN.lastIndex;
      if (j >= n) return -1;
      const c = text.charCodeAt(j);
      if (c === 0x22) return j + 1;
      if (c < 0x20) return -1;
      if (c === 0x5c) {
        const e = text.charCodeAt(j + 1);
        if (e === 0x75) {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) return -1;
          j += 6;
        } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          j += 2;
        } else return -1;
        continue;
      }
      j += 1;
    }
  };
  /** At a `"` inside an object: the key, its duplicate check and the colon. */
  const key = (frame: { keys: Set<string>; key: string }): Result<null, StrictJsonError> => {
    if (text.charCodeAt(i) !== 0x22) return syntax("expected a key");
    const end = string();
    if (end < 0) return syntax("bad string");
    const raw = text.slice(i + 1, end - 1);
    // Escapes decoded, so "a" and "\u0061" are the same key, as JSON.parse would make them.
    const lastKey = raw.includes("\\") ? (JSON.parse(text.slice(i, end)) as string) : raw;
    frame.key = lastKey;
    if (frame.keys.has(lastKey)) return fail("JSON_DUPLICATE_KEY", "duplicate key", i, pathOf(stack));
    frame.keys.add(lastKey);
    i = end;
    ws();
    if (text.charCodeAt(i) !== 0x3a) return syntax("expected ':'");
    i += 1;
    return ok(null);
  };

  for (;;) {
    // A value is expected at i.
    ws();
    const c = text.charCodeAt(i);
    let opened = false;
    if (c === 0x7b || c === 0x5b) {
      if (stack.length >= maxDepth) return fail("JSON_TOO_DEEP", `nested deeper than ${maxDepth} levels`, i, pathOf(stack));
      i += 1;
      ws();
      if (c === 0x7b) {
        if (text.charCodeAt(i) === 0x7d) i += 1;
        else {
          const frame = { obj: true as const, keys: new Set<string>(), key: "" };
          stack.push(frame);
          const k = key(frame);
          if (!k.ok) return k;
          opened = true;
        }
      } else if (text.charCodeAt(i) === 0x5d) i += 1;
      else {
        stack.push({ obj: false, index: 0 });
        opened = true;
      }
    } else if (c === 0x22) {
      const end = string();
      if (end < 0) return syntax("bad string");
      i = end;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (m === null) return syntax("bad number");
      if (!Number.isFinite(Number(m[0]))) return fail("JSON_NUMBER_RANGE", "number outside the range of a double", i, pathOf(stack));
      i += m[0].length;
    } else if (text.startsWith("true", i)) i += 4;
    else if (text.startsWith("false", i)) i += 5;
    else if (text.startsWith("null", i)) i += 4;
    else return syntax(i >= n ? "unexpected end of input" : "unexpected character");
    if (opened) continue;

    // After a value: close what ends here, then a comma leads to the next value.
    for (;;) {
      ws();
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (i < n) return fail("JSON_TRAILING", "bytes after the JSON value", i, "$");
        return ok(null);
      }
      const d = text.charCodeAt(i);
      if (d === 0x2c) {
        i += 1;
        if (top.obj) {
          ws();
          const k = key(top);
          if (!k.ok) return k;
        } else top.index += 1;
        break;
      }
      if ((top.obj && d === 0x7d) || (!top.obj && d === 0x5d)) {
        i += 1;
        stack.pop();
        continue;
      }
      return syntax(i >= n ? "unexpected end of input" : "expected ',' or a closing bracket");
    }
  }
}
