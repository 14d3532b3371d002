import type { PacketCollection } from "@macro/ssot";
import { codePoints } from "./fields.ts";
import { isDatetimeIn, isUuidIn } from "./formats.ts";

/**
 * The record fast path: decides, from a line's text alone, that the record is a flat JSON
 * object in which the full path (JSON.parse, then `compileFields().validate`) would find
 * nothing, and keeps where each value lies so the key checks can hash it in place. It never
 * reports anything itself: every doubt (nesting, a duplicate or unknown key, a value the schema
 * would flag, a null or missing primary key, anything odd) is answered `false` and the line
 * goes to the full path, which then does all the work. So it only ever skips work whose outcome
 * is known to be "no finding".
 *
 * The caller guarantees what is costly to check here (see run-marks.ts): the line holds no
 * backslash and no control character, so a string's text is its value and ends at the next
 * quote; and no secret hint (`mayHoldSecret`), so the full path's secret scan would be silent.
 */

export const K_NULL = 1;
export const K_STRING = 2;
export const K_NUMBER = 3;
export const K_TRUE = 4;
export const K_FALSE = 5;

const T_TEXT = 0;
const T_INTEGER = 1;
const T_NUMBER = 2;
const T_BOOLEAN = 3;
const T_DATETIME = 4;
const T_UUID = 5;
const T_JSON = 6;
const TYPE_CODE = { string: T_TEXT, text: T_TEXT, integer: T_INTEGER, number: T_NUMBER, boolean: T_BOOLEAN, datetime: T_DATETIME, uuid: T_UUID, json: T_JSON } as const;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/** Per collection: the schema's fields as the scan needs them, and where the values of the last record scanned lie. */
export class RecordScan {
  /** Field index of the primary key, or -1 when it is not a schema field (then nothing is fast). */
  readonly pk: number;
  private readonly names: string[];
  private readonly byName: Map<string, number>;
  private readonly types: Uint8Array;
  /** Required and not the primary key (the key check reports a missing key). */
  private readonly required: Uint8Array;
  private readonly requiredCount: number;
  private readonly max: Int32Array;
  private readonly enumSet: (ReadonlySet<unknown> | null)[];
  private readonly enumStrings: string[][];
  /** Field expected at each key position: the previous record's order, tried first. */
  private readonly order: Int32Array;

  // The last scan, per field; a field is present when `seen` holds the scan's number.
  readonly kind: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly num: Float64Array;
  private readonly seen: Int32Array;
  private scanNo = 0;

  constructor(collection: PacketCollection) {
    const fields = collection.fields;
    const n = fields.length;
    this.names = fields.map((f) => f.name);
    this.byName = new Map(fields.map((f, i) => [f.name, i]));
    this.pk = fields.findIndex((f) => f.name === collection.primaryKey);
    this.types = Uint8Array.from(fields, (f) => TYPE_CODE[f.type]);
    this.required = Uint8Array.from(fields, (f, i) => (f.required === true && i !== this.pk ? 1 : 0));
    this.requiredCount = this.required.reduce((s, r) => s + r, 0);
    this.max = Int32Array.from(fields, (f) => f.maxLength ?? -1);
    this.enumSet = fields.map((f) => (f.enum === undefined ? null : new Set<unknown>(f.enum)));
    this.enumStrings = fields.map((f) => (f.enum ?? []).filter((v): v is string => typeof v === "string"));
    this.order = new Int32Array(n).fill(-1);
    this.kind = new Uint8Array(n);
    this.start = new Int32Array(n);
    this.end = new Int32Array(n);
    this.num = new Float64Array(n);
    this.seen = new Int32Array(n);
  }

  /** Is field `f` in the record last scanned (with whatever value, null included)? */
  has(f: number): boolean {
    return f >= 0 && this.seen[f] === this.scanNo;
  }

  /**
   * True when the line `s[from, to)` (no line break, no trailing `\r`) is a record the full path
   * would accept with no finding from the field checks, with a non-null primary key; its
   * values are then described by `kind`, `start`, `end` (strings, in `s`) and `num`.
   */
  scan(s: string, from: number, to: number): boolean {
    if (this.pk < 0 || s.charCodeAt(from) !== LBRACE) return false;
    if (this.scanNo === 0x3fffffff) {
      this.seen.fill(0);
      this.scanNo = 0;
    }
    const no = (this.scanNo += 1);
    let required = 0;
    let at = 0;
    // Whitespace is rare: each place it may be is tested with one compare before skipWs is called.
    let i = from + 1;
    let c = charAt(s, i, to);
    if (c <= 0x20) c = charAt(s, (i = skipWs(s, i, to)), to);
    if (c === RBRACE) i += 1;
    else
      for (;;) {
        if (c !== QUOTE) return false;
        const keyEnd = this.key(s, i + 1, to, at);
        if (keyEnd < 0) return false;
        const f = this.order[at] ?? -1;
        if (this.seen[f] === no) return false;
        this.seen[f] = no;
        at += 1;
        i = keyEnd + 1;
        c = charAt(s, i, to);
        if (c <= 0x20) c = charAt(s, (i = skipWs(s, i, to)), to);
        if (c !== COLON) return false;
        i += 1;
        if (charAt(s, i, to) <= 0x20) i = skipWs(s, i, to);
        i = this.value(s, i, to, f);
        if (i < 0) return false;
        if (this.required[f] === 1 && this.kind[f] !== K_NULL) required += 1;
        c = charAt(s, i, to);
        if (c <= 0x20) c = charAt(s, (i = skipWs(s, i, to)), to);
        i += 1;
        if (c === RBRACE) break;
        if (c !== COMMA) return false;
        c = charAt(s, i, to);
        if (c <= 0x20) c = charAt(s, (i = skipWs(s, i, to)), to);
      }
    return skipWs(s, i, to) === to && required === this.requiredCount && this.seen[this.pk] === no && this.kind[this.pk] !== K_NULL;
  }

  /**
   * The closing quote of the key starting at `i`, with its field put in `order[at]`; -1 when
   * the key is not a schema field. The last record's key at this position is tried first.
   */
  private key(s: string, i: number, to: number, at: number): number {
    if (at >= this.order.length) return -1; // more keys than fields: a duplicate or an unknown one
    const guess = this.order[at] ?? -1;
    if (guess >= 0) {
      const name = this.names[guess] ?? "";
      const end = i + name.length;
      if (end < to && s.charCodeAt(end) === QUOTE && sameAt(s, i, name)) return end;
    }
    const end = s.indexOf('"', i);
    if (end < 0 || end >= to) return -1;
    const f = this.byName.get(s.slice(i, end));
    if (f === undefined) return -1;
    this.order[at] = f;
    return end;
  }

  /** Reads the value at `i` into field `f`'s slots; the index after it, or -1 (not a value the fast path takes). */
  private value(s: string, i: number, to: number, f: number): number {
    const c = s.charCodeAt(i);
    const type = this.types[f];
    if (c === QUOTE) {
      const end = s.indexOf('"', i + 1);
      if (end < 0 || end >= to || !this.stringOk(f, type, s, i + 1, end)) return -1;
      this.kind[f] = K_STRING;
      this.start[f] = i + 1;
      this.end[f] = end;
      return end + 1;
    }
    if (c === MINUS || (c >= ZERO && c <= NINE)) {
      const end = this.number(s, i, to, f);
      if (end < 0) return -1;
      const v = this.num[f] ?? 0;
      if (!(type === T_NUMBER || type === T_JSON || (type === T_INTEGER && Number.isInteger(v))) || !this.inEnum(f, v)) return -1;
      this.kind[f] = K_NUMBER;
      return end;
    }
    if (c === 0x74 || c === 0x66) {
      const t = c === 0x74;
      const word = t ? "true" : "false";
      if (i + word.length > to || !s.startsWith(word, i) || !(type === T_BOOLEAN || type === T_JSON) || !this.inEnum(f, t)) return -1;
      this.kind[f] = t ? K_TRUE : K_FALSE;
      return i + word.length;
    }
    if (c === 0x6e && this.required[f] === 0 && i + 4 <= to && s.startsWith("null", i)) {
      this.kind[f] = K_NULL;
      return i + 4;
    }
    return -1;
  }

  private inEnum(f: number, v: unknown): boolean {
    const set = this.enumSet[f];
    return set === null || set === undefined || set.has(v);
  }

  /** The checks `quickOk` (fields.ts) makes on a string value, on `s[from, to)`. */
  private stringOk(f: number, type: number | undefined, s: string, from: number, to: number): boolean {
    if (type === T_DATETIME) {
      if (!isDatetimeIn(s, from, to)) return false;
    } else if (type === T_UUID) {
      if (!isUuidIn(s, from, to)) return false;
    } else if (type !== T_TEXT && type !== T_JSON) return false;
    const max = this.max[f] ?? -1;
    if (max >= 0 && to - from > max && codePoints(s.slice(from, to)) > max) return false;
    if (this.enumSet[f] === null) return true;
    for (const e of this.enumStrings[f] ?? []) if (e.length === to - from && s.startsWith(e, from)) return true;
    return false;
  }

  /** A JSON number at `i` into `num[f]`; the index after it, or -1 when there is none. */
  private number(s: string, i: number, to: number, f: number): number {
    const from = i;
    const negative = s.charCodeAt(i) === MINUS;
    if (negative) i += 1;
    if (i >= to) return -1;
    let c = s.charCodeAt(i);
    let v = 0;
    let digits = 0;
    if (c === ZERO) {
      i += 1;
      digits = 1;
    } else if (c > ZERO && c <= NINE) {
      while (i < to && (c = s.charCodeAt(i)) >= ZERO && c <= NINE) {
        v = v * 10 + (c - ZERO);
        i += 1;
        digits += 1;
      }
    } else return -1;
    let plain = digits <= 15;
    if (i < to && s.charCodeAt(i) === DOT) {
      plain = false;
      i = digitsFrom(s, i + 1, to);
      if (i < 0) return -1;
    }
    c = i < to ? s.charCodeAt(i) : 0;
    if (c === 0x65 || c === 0x45) {
      plain = false;
      i += 1;
      c = i < to ? s.charCodeAt(i) : 0;
      if (c === PLUS || c === MINUS) i += 1;
      i = digitsFrom(s, i, to);
      if (i < 0) return -1;
    }
    // Up to 15 digits the sum is exact; otherwise Number() rounds the text exactly as JSON.parse does.
    this.num[f] = plain ? (negative ? -v : v) : Number(s.slice(from, i));
    return i;
  }
}

/** `s.startsWith(name, i)`, as a loop: names are short, and a builtin call costs more than the compare. */
function sameAt(s: string, i: number, name: string): boolean {
  for (let j = 0; j < name.length; j += 1) if (s.charCodeAt(i + j) !== name.charCodeAt(j)) return false;
  return true;
}

/** The character at `i` of the line, or -1 past its end. */
const charAt = (s: string, i: number, to: number): number => (i < to ? s.charCodeAt(i) : -1);

/** JSON whitespace: space, tab, CR, LF. */
function skipWs(s: string, i: number, to: number): number {
  for (; i < to; i += 1) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return i;
  }
  return i;
}

/** One or more digits from `i`: the index after them, or -1. */
function digitsFrom(s: string, i: number, to: number): number {
  const first = i;
  for (; i < to; i += 1) {
    const c = s.charCodeAt(i);
    if (c < ZERO || c > NINE) break;
  }
  return i === first ? -1 : i;
}
