// The datetime and uuid formats.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** The DATETIME test (the pattern, then Date.parse); exported for the test that pins the fast path to it. */
export const isDatetimeSlow = (v: string): boolean => DATETIME.test(v) && !Number.isNaN(Date.parse(v));

const digit = (b: Buffer, i: number): number => {
  const d = (b[i] ?? 0) - 48;
  return d >= 0 && d <= 9 ? d : -1;
};
const two = (b: Buffer, i: number): number => {
  const hi = digit(b, i);
  const lo = digit(b, i + 1);
  return hi < 0 || lo < 0 ? -1 : hi * 10 + lo;
};

/**
 * The ASCII bytes of `v`, or null when it has another character: each format below is ASCII
 * only, and its fast check reads bytes (the record fast path checks values where they lie in
 * the read buffer, with the very code the full path runs on the parsed value).
 */
function asciiBytes(v: string): Buffer | null {
  const b = Buffer.from(v, "utf8");
  return b.length === v.length ? b : null;
}

/**
 * `isDatetimeSlow` with a fast path for the shape nearly every export uses,
 * "YYYY-MM-DDTHH:MM:SS.sssZ": there the pattern reduces to digits in place, and Date.parse to
 * the ranges V8 checks (month 1–12, day 1–31, 00:00–23:59:59.999 or exactly 24:00:00.000).
 * A test compares the two over every month/day and hour/minute/second combination.
 */
export function isDatetime(v: string): boolean {
  const b = asciiBytes(v);
  return b === null ? isDatetimeSlow(v) : isDatetimeAt(b, 0, b.length);
}

/** `isDatetime` of the ASCII bytes `b[from, to)`. */
export function isDatetimeAt(b: Buffer, from: number, to: number): boolean {
  return isCommonShape(b, from, to) ? commonShapeValid(b, from) : isDatetimeSlow(b.toString("latin1", from, to));
}

const isCommonShape = (b: Buffer, o: number, to: number): boolean =>
  to - o === 24 && b[o + 4] === 45 && b[o + 7] === 45 && b[o + 10] === 84 && b[o + 13] === 58 && b[o + 16] === 58 && b[o + 19] === 46 && b[o + 23] === 90;

/** True when `b[from, to)` has the common shape "YYYY-MM-DDTHH:MM:SS.sssZ" and is a valid datetime (see `isDatetime`); false otherwise. */
export const isDatetimeShapeAt = (b: Buffer, from: number, to: number): boolean => isCommonShape(b, from, to) && commonShapeValid(b, from);

/** The digits of a datetime of the common shape at `o`, and the ranges Date.parse holds them to. */
function commonShapeValid(b: Buffer, o: number): boolean {
  const year = two(b, o) | two(b, o + 2); // only "are these digits" matters for the year
  const month = two(b, o + 5);
  const day = two(b, o + 8);
  const hour = two(b, o + 11);
  const minute = two(b, o + 14);
  const second = two(b, o + 17);
  const msHigh = digit(b, o + 20);
  const ms = two(b, o + 21);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || msHigh < 0 || ms < 0) return false;
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  if (hour === 24) return minute === 0 && second === 0 && msHigh === 0 && ms === 0;
  return hour < 24 && minute < 60 && second < 60;
}

// A hex digit of either case (the pattern is /i).
const HEX = new Uint8Array(256);
for (const c of "0123456789abcdefABCDEF") HEX[c.charCodeAt(0)] = 1;

/** The UUID pattern, by hand: 8-4-4-4-12 hex digits. */
export function isUuid(v: string): boolean {
  const b = asciiBytes(v);
  return b !== null && isUuidAt(b, 0, b.length);
}

/** `isUuid` of the bytes `b[from, to)`. */
export function isUuidAt(b: Buffer, from: number, to: number): boolean {
  if (to - from !== 36 || b[from + 8] !== 45 || b[from + 13] !== 45 || b[from + 18] !== 45 || b[from + 23] !== 45) return false;
  // 8-4-4-4-12: every place but the four dashes is a hex digit.
  let hex = 1;
  for (let i = from; i < from + 8; i += 1) hex &= HEX[b[i] ?? 0] ?? 0;
  for (let i = from + 9; i < from + 13; i += 1) hex &= HEX[b[i] ?? 0] ?? 0;
  for (let i = from + 14; i < from + 18; i += 1) hex &= HEX[b[i] ?? 0] ?? 0;
  for (let i = from + 19; i < from + 23; i += 1) hex &= HEX[b[i] ?? 0] ?? 0;
  for (let i = from + 24; i < from + 36; i += 1) hex &= HEX[b[i] ?? 0] ?? 0;
  return hex === 1;
}

/** The UUID pattern itself; exported for the test that pins `isUuid` to it. */
export const isUuidSlow = (v: string): boolean => UUID.test(v);
