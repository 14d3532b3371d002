// Byte-level pieces of JSON for the record fast path (record-scan.ts): a line is read as its
// bytes, never decoded, so each piece reads a Buffer.

export const QUOTE = 0x22;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
export const ZERO = 0x30;
export const NINE = 0x39;
export const LBRACE = 0x7b;
export const RBRACE = 0x7d;
export const TRUE = Buffer.from("true");
export const FALSE = Buffer.from("false");
export const NULL = Buffer.from("null");

/**
 * The UTF-8 form a decoded string must have to equal `s`, or null when none has: a string with
 * a lone surrogate is never the decoding of valid UTF-8, and one with a quote, a backslash or a
 * control character is never a fast-path string (those are escaped in JSON).
 */
export function plainUtf8(s: string): Buffer | null {
  // With the u flag a surrogate class matches only unpaired surrogates.
  return !/[\ud800-\udfff]/u.test(s) && !/["\\\u0000-\u001f]/.test(s) ? Buffer.from(s, "utf8") : null;
}

/**
 * A JSON number at `i` into `out[f]`; the index after it, or -1 when there is none, or when its
 * double may not be the number (more than 15 digits, or a power of ten past ±280: see
 * `fitsDouble`), which only the full path reads, as written.
 */
export function jsonNumber(b: Buffer, i: number, to: number, out: Float64Array, f: number): number {
  const from = i;
  const negative = b[i] === MINUS;
  if (negative) i += 1;
  if (i >= to) return -1;
  let c = b[i] ?? 0;
  let v = 0;
  let digits = 0;
  if (c === ZERO) {
    i += 1;
    digits = 1;
  } else if (c > ZERO && c <= NINE) {
    while (i < to && (c = b[i] ?? 0) >= ZERO && c <= NINE) {
      v = v * 10 + (c - ZERO);
      i += 1;
      digits += 1;
    }
  } else return -1;
  if (digits > 15) return -1;
  let plain = true;
  let power = 0;
  if (i < to && b[i] === DOT) {
    plain = false;
    const first = i + 1;
    i = digitsFrom(b, first, to);
    if (i < 0) return -1;
    digits += i - first;
    power -= i - first;
  }
  c = i < to ? (b[i] ?? 0) : 0;
  if (c === 0x65 || c === 0x45) {
    plain = false;
    i += 1;
    c = i < to ? (b[i] ?? 0) : 0;
    const sign = c === MINUS ? -1 : 1;
    if (c === PLUS || c === MINUS) i += 1;
    const first = i;
    i = digitsFrom(b, i, to);
    if (i < 0) return -1;
    // Past four digits the power is out of range anyway.
    power += sign * (i - first > 4 ? 99999 : Number(b.toString("latin1", first, i)));
  }
  if (digits > 15 || power > 280 || power < -280) return -1;
  // Up to 15 digits the sum is exact; otherwise Number() rounds the text exactly as JSON.parse does.
  out[f] = plain ? (negative ? -v : v) : Number(b.toString("latin1", from, i));
  return i;
}

/** Do the bytes at `b[i]` start with `word`? A loop: words are short, and a builtin call costs more than the compare. */
export function sameAt(b: Buffer, i: number, word: Buffer): boolean {
  for (let j = 0; j < word.length; j += 1) if (b[i + j] !== word[j]) return false;
  return true;
}

/** Code points in valid UTF-8: every byte that does not continue a sequence starts one. */
export function codePointsIn(b: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i += 1) if (((b[i] ?? 0) & 0xc0) !== 0x80) n += 1;
  return n;
}

/** The byte at `i` of the line, or -1 past its end. */
export const byteAt = (b: Buffer, i: number, to: number): number => (i < to ? (b[i] ?? -1) : -1);

/** JSON whitespace: space, tab, CR, LF. */
export function skipWs(b: Buffer, i: number, to: number): number {
  for (; i < to; i += 1) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return i;
  }
  return i;
}

/** One or more digits from `i`: the index after them, or -1. */
function digitsFrom(b: Buffer, i: number, to: number): number {
  const first = i;
  for (; i < to; i += 1) {
    const c = b[i] ?? 0;
    if (c < ZERO || c > NINE) break;
  }
  return i === first ? -1 : i;
}
