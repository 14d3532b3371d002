// The datetime and uuid formats. Each check also takes a range of a longer string, so the
// record fast path (record-scan.ts) checks a value where it lies in the decoded run, with the
// very code the full path runs on the parsed value.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** The DATETIME test (the pattern, then Date.parse); exported for the test that pins the fast path to it. */
export const isDatetimeSlow = (v: string): boolean => DATETIME.test(v) && !Number.isNaN(Date.parse(v));

const digit = (v: string, i: number): number => {
  const d = v.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
};
const two = (v: string, i: number): number => {
  const a = digit(v, i);
  const b = digit(v, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
};

/**
 * `isDatetimeSlow` with a fast path for the shape nearly every export uses,
 * "YYYY-MM-DDTHH:MM:SS.sssZ": there the pattern reduces to digits in place, and Date.parse to
 * the ranges V8 checks (month 1–12, day 1–31, 00:00–23:59:59.999 or exactly 24:00:00.000).
 * A test compares the two over every month/day and hour/minute/second combination.
 */
export const isDatetime = (v: string): boolean => isDatetimeIn(v, 0, v.length);

/** `isDatetime` of `s.slice(from, to)`, without making the slice in the common shape. */
export function isDatetimeIn(s: string, from: number, to: number): boolean {
  const v = s;
  const o = from;
  if (
    to - from !== 24 ||
    v.charCodeAt(o + 4) !== 45 ||
    v.charCodeAt(o + 7) !== 45 ||
    v.charCodeAt(o + 10) !== 84 ||
    v.charCodeAt(o + 13) !== 58 ||
    v.charCodeAt(o + 16) !== 58 ||
    v.charCodeAt(o + 19) !== 46 ||
    v.charCodeAt(o + 23) !== 90
  ) {
    return isDatetimeSlow(from === 0 && to === s.length ? s : s.slice(from, to));
  }
  const year = two(v, o) | two(v, o + 2); // only "are these digits" matters for the year
  const month = two(v, o + 5);
  const day = two(v, o + 8);
  const hour = two(v, o + 11);
  const minute = two(v, o + 14);
  const second = two(v, o + 17);
  const msHigh = digit(v, o + 20);
  const ms = two(v, o + 21);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || msHigh < 0 || ms < 0) return false;
  if (month < 1 || month > 12 || day < 1 || day > 31) return false;
  if (hour === 24) return minute === 0 && second === 0 && msHigh === 0 && ms === 0;
  return hour < 24 && minute < 60 && second < 60;
}

// What each character may be in a UUID: 1 a hex digit of either case (the pattern is /i), 2 the dash.
const UUID_CLASS = new Uint8Array(128);
for (const c of "0123456789abcdefABCDEF") UUID_CLASS[c.charCodeAt(0)] = 1;
UUID_CLASS[45] = 2;
const UUID_SHAPE = Array.from("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", (c) => (c === "-" ? 2 : 1));

/** The UUID pattern, by hand: 8-4-4-4-12 hex digits. */
export const isUuid = (v: string): boolean => isUuidIn(v, 0, v.length);

/** `isUuid` of `s.slice(from, to)`. */
export function isUuidIn(s: string, from: number, to: number): boolean {
  if (to - from !== 36) return false;
  for (let i = 0; i < 36; i += 1) {
    const c = s.charCodeAt(from + i);
    if (c >= 128 || UUID_CLASS[c] !== UUID_SHAPE[i]) return false;
  }
  return true;
}

/** The UUID pattern itself; exported for the test that pins `isUuid` to it. */
export const isUuidSlow = (v: string): boolean => UUID.test(v);
