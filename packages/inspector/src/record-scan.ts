import type { PacketCollection } from "@macro/ssot";
import { isDatetimeAt, isDatetimeShapeAt, isUuidAt } from "./formats.ts";
import { K_FALSE, K_NULL, K_NUMBER, K_STRING, K_TRUE, scanFields, T_BOOLEAN, T_DATETIME, T_INTEGER, T_JSON, T_NUMBER, T_TEXT, T_UUID, type ScanFields } from "./scan-fields.ts";
import { byteAt, codePointsIn, COLON, COMMA, FALSE, jsonNumber, LBRACE, MINUS, NINE, NULL, QUOTE, RBRACE, sameAt, skipWs, TRUE, ZERO } from "./json-bytes.ts";

/**
 * The record fast path: decides, from a line's bytes alone, that the record is a flat JSON
 * object in which the full path (JSON.parse, then `compileFields().validate`) would find
 * nothing, and keeps where each value lies so the key checks can hash it in place. It never
 * reports anything itself: every doubt (nesting, a duplicate or unknown key, a value the schema
 * would flag, a null or missing primary key, anything odd) is answered `false` and the line
 * goes to the full path, which then does all the work. So it only ever skips work whose outcome
 * is known to be "no finding".
 *
 * It reads bytes, not decoded text: a loop over a Buffer runs two to three times as fast as one
 * over a string's characters, and no run is decoded at all. The caller guarantees what is costly
 * to check here (`CollectionChecker.oneLine`): the line is valid UTF-8 and holds no backslash and
 * no control character, so a string's bytes are its value's exact UTF-8 form and end at the next quote byte
 * (which no multi-byte sequence contains), and a string has as many code points as it has bytes
 * outside 0x80–0xBF; and it holds no secret hint (`mayHoldSecret`), so the full path's secret
 * scan would be silent.
 */

/** Per collection: the schema's fields as the scan needs them, and where the values of the last record scanned lie. */
export class RecordScan {
  /** Field index of the primary key, or -1 when it is not a schema field (then nothing is fast). */
  readonly pk: number;
  /** The schema's fields as the scans need them (the Wasm scan, wasm-scan.ts, too). */
  readonly fields: ScanFields;
  /** Field expected at each key position: the previous record's order, tried first. */
  private readonly order: Int32Array;

  // The last scan, per field; a field is present when `seen` holds the scan's number.
  readonly kind: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly num: Float64Array;
  private readonly seen: Int32Array;
  private scanNo = 0;

  /** `keyFields`: the fields whose key digests a scan makes, in `KeyRecorder`'s order (-1: not a schema field). */
  constructor(collection: PacketCollection, keyFields: readonly number[] = []) {
    const f = (this.fields = scanFields(collection, keyFields));
    this.pk = f.pk;
    const n = f.names.length;
    this.order = new Int32Array(n).fill(-1);
    this.kind = new Uint8Array(n);
    this.start = new Int32Array(n);
    this.end = new Int32Array(n);
    this.num = new Float64Array(n);
    this.seen = new Int32Array(n);
  }

  /** The next scan's number: a field is present when `seen` holds it. */
  private next(): number {
    if (this.scanNo === 0x3fffffff) {
      this.seen.fill(0);
      this.scanNo = 0;
    }
    return (this.scanNo += 1);
  }

  /**
   * Scans a made-up record of this collection, with a value of each field's type in every
   * field, a few times. It teaches the JIT every branch the real records will take before it
   * compiles the scan: trained on the first file alone, the compiled code would be thrown away
   * at the first value kind that file did not have, and rebuilt while the next file waits.
   */
  rehearse(): void {
    const sample = (t: number, f: number): string => {
      const e = this.fields.enumSet[f];
      if (e !== null && e !== undefined) {
        const v = [...e][0];
        return JSON.stringify(v === undefined ? "a" : v);
      }
      if (t === T_INTEGER) return "12";
      if (t === T_NUMBER) return "1.5";
      if (t === T_BOOLEAN) return "true";
      if (t === T_DATETIME) return '"2026-01-01T00:00:00.000Z"';
      if (t === T_UUID) return '"00000000-0000-4000-8000-000000000000"';
      return '"a"';
    };
    const line = Buffer.from(`{${this.fields.names.map((n, f) => `${JSON.stringify(n)}:${sample(this.fields.types[f] ?? T_TEXT, f)}`).join(",")}}`);
    for (let i = 0; i < 3; i += 1) this.scan(line, 0, line.length);
  }

  /** Is field `f` in the record last scanned (with whatever value, null included)? */
  has(f: number): boolean {
    return f >= 0 && this.seen[f] === this.scanNo;
  }

  /**
   * True when the line `b[from, to)` (no line break, no trailing `\r`) is a record the full path
   * would accept with no finding from the field checks, with a non-null primary key; its
   * values are then described by `kind`, `start`, `end` (strings, in `b`) and `num`. The Wasm
   * scan (wasm-scan.ts) answers first for the lines of a run; this is for the lines it is not
   * sure of, and for lines on their own.
   */
  scan(b: Buffer, from: number, to: number): boolean {
    if (this.pk < 0 || b[from] !== LBRACE) return false;
    const no = this.next();
    let required = 0;
    let at = 0;
    // Whitespace is rare: each place it may be is tested with one compare before skipWs is called.
    let i = from + 1;
    let c = byteAt(b, i, to);
    if (c <= 0x20) c = byteAt(b, (i = skipWs(b, i, to)), to);
    if (c === RBRACE) i += 1;
    else
      for (;;) {
        if (c !== QUOTE) return false;
        const keyEnd = this.key(b, i + 1, to, at);
        if (keyEnd < 0) return false;
        const f = this.order[at] ?? -1;
        if (this.seen[f] === no) return false;
        this.seen[f] = no;
        at += 1;
        i = keyEnd + 1;
        c = byteAt(b, i, to);
        if (c <= 0x20) c = byteAt(b, (i = skipWs(b, i, to)), to);
        if (c !== COLON) return false;
        i += 1;
        if (byteAt(b, i, to) <= 0x20) i = skipWs(b, i, to);
        i = this.value(b, i, to, f);
        if (i < 0) return false;
        if (this.fields.required[f] === 1 && this.kind[f] !== K_NULL) required += 1;
        c = byteAt(b, i, to);
        if (c <= 0x20) c = byteAt(b, (i = skipWs(b, i, to)), to);
        i += 1;
        if (c === RBRACE) break;
        if (c !== COMMA) return false;
        c = byteAt(b, i, to);
        if (c <= 0x20) c = byteAt(b, (i = skipWs(b, i, to)), to);
      }
    return skipWs(b, i, to) === to && required === this.fields.requiredCount && this.seen[this.pk] === no && this.kind[this.pk] !== K_NULL;
  }

  /**
   * The closing quote of the key starting at `i`, with its field put in `order[at]`; -1 when
   * the key is not a schema field. The last record's key at this position is tried first.
   */
  private key(b: Buffer, i: number, to: number, at: number): number {
    if (at >= this.order.length) return -1; // more keys than fields: a duplicate or an unknown one
    const guess = this.order[at] ?? -1;
    const name = guess >= 0 ? this.fields.nameBytes[guess] : null;
    if (name !== null && name !== undefined) {
      const end = i + name.length;
      if (end < to && b[end] === QUOTE && sameAt(b, i, name)) return end;
    }
    const end = b.indexOf(QUOTE, i);
    if (end < 0 || end >= to) return -1;
    const f = this.fields.byName.get(b.toString("utf8", i, end));
    if (f === undefined) return -1;
    this.order[at] = f;
    return end;
  }

  /** Reads the value at `i` into field `f`'s slots; the index after it, or -1 (not a value the fast path takes). */
  private value(b: Buffer, i: number, to: number, f: number): number {
    const c = b[i] ?? -1;
    const type = this.fields.types[f];
    if (c === QUOTE) {
      // A uuid or datetime in its usual shape has a known length: its closing quote is looked at
      // first, and the format check on the bytes before it settles that none came earlier.
      const fixed = type === T_UUID ? 36 : type === T_DATETIME ? 24 : -1;
      let j = i + 1 + fixed;
      if (fixed < 0 || j >= to || b[j] !== QUOTE || !(type === T_UUID ? isUuidAt(b, i + 1, j) : isDatetimeShapeAt(b, i + 1, j)) || !this.lengthAndEnumOk(f, b, i + 1, j)) {
        j = b.indexOf(QUOTE, i + 1);
        if (j < 0 || j >= to || !this.stringOk(f, type, b, i + 1, j)) return -1;
      }
      this.kind[f] = K_STRING;
      this.start[f] = i + 1;
      this.end[f] = j;
      return j + 1;
    }
    if (c === MINUS || (c >= ZERO && c <= NINE)) {
      const end = jsonNumber(b, i, to, this.num, f);
      if (end < 0) return -1;
      const v = this.num[f] ?? 0;
      // An integer past 2^53 shares its double with others: only the full path reads it, as written.
      if (!(type === T_NUMBER || type === T_JSON || (type === T_INTEGER && Number.isSafeInteger(v))) || !this.inEnum(f, v)) return -1;
      this.kind[f] = K_NUMBER;
      return end;
    }
    if (c === 0x74 || c === 0x66) {
      const t = c === 0x74;
      const word = t ? TRUE : FALSE;
      if (i + word.length > to || !sameAt(b, i, word) || !(type === T_BOOLEAN || type === T_JSON) || !this.inEnum(f, t)) return -1;
      this.kind[f] = t ? K_TRUE : K_FALSE;
      return i + word.length;
    }
    if (c === 0x6e && this.fields.required[f] === 0 && i + 4 <= to && sameAt(b, i, NULL)) {
      this.kind[f] = K_NULL;
      return i + 4;
    }
    return -1;
  }

  private inEnum(f: number, v: unknown): boolean {
    const set = this.fields.enumSet[f];
    return set === null || set === undefined || set.has(v);
  }

  /** The checks `quickOk` (fields.ts) makes on a string value, on the bytes `b[from, to)`. */
  private stringOk(f: number, type: number | undefined, b: Buffer, from: number, to: number): boolean {
    if (type === T_DATETIME) {
      if (!isDatetimeAt(b, from, to)) return false;
    } else if (type === T_UUID) {
      if (!isUuidAt(b, from, to)) return false;
    } else if (type !== T_TEXT && type !== T_JSON) return false;
    return this.lengthAndEnumOk(f, b, from, to);
  }

  /** The maxLength and enum checks of `quickOk` (fields.ts) on a string value. */
  private lengthAndEnumOk(f: number, b: Buffer, from: number, to: number): boolean {
    const max = this.fields.max[f] ?? -1;
    if (max >= 0 && to - from > max && codePointsIn(b, from, to) > max) return false;
    if (this.fields.enumSet[f] === null) return true;
    for (const e of this.fields.enumBytes[f] ?? []) if (e.length === to - from && sameAt(b, from, e)) return true;
    return false;
  }
}

