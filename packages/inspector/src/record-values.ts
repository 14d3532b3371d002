import type { Digest } from "./digest-set.ts";
import { own } from "./fields.ts";
import { digestNumberText, digestScalar, digestString, isKeyable } from "./keys.ts";
import { decimalOf, fitsDouble } from "./numbers.ts";
import { K_FALSE, K_NUMBER, K_STRING, K_TRUE } from "./scan-fields.ts";
import { safeLabel, shortLabel } from "./secrets.ts";

/** A field the key checks look at: its name, and its place in the schema's field list (-1 if none). */
export interface KeyField {
  name: string;
  index: number;
}

/**
 * Records whose key checks wait (key-checks.ts): each one's line, which digest slots it has
 * (`present`, `digests` as hi/lo pairs, `slots` a record), and its record key, made into text
 * only if a check needs it: as text (`kind` 0: parsed records), or as where the key lies in
 * `bytes` (scanned records, which share one read buffer; checked before it is reused). Plain
 * data, so a batch made in a check worker crosses to the main thread as it is (`bytes` aside).
 */
export interface KeyBatch {
  count: number;
  slots: number;
  lines: Int32Array<ArrayBuffer>;
  present: Uint8Array<ArrayBuffer>;
  digests: Uint32Array<ArrayBuffer>;
  kind: Uint8Array<ArrayBuffer>;
  start: Int32Array<ArrayBuffer>;
  end: Int32Array<ArrayBuffer>;
  num: Float64Array<ArrayBuffer>;
  /**
   * The record key as text, by record, for `kind` 0 (the records JSON.parse made, a few in a
   * batch): a map, not an array, so one held at record 800 of a batch costs one entry.
   */
  texts: Map<number, string | null>;
  bytes?: Buffer;
}

export function newKeyBatch(slots: number, capacity: number): KeyBatch {
  return {
    count: 0,
    slots,
    lines: new Int32Array(capacity),
    present: new Uint8Array(capacity * slots),
    digests: new Uint32Array(capacity * slots * 2),
    kind: new Uint8Array(capacity),
    start: new Int32Array(capacity),
    end: new Int32Array(capacity),
    num: new Float64Array(capacity),
    texts: new Map(),
  };
}

/** The record key of record `k` of a batch; `bytes` is the buffer its scanned records lie in. */
export function heldLabel(batch: KeyBatch, k: number, bytes: Buffer | undefined): string | null {
  const kind = batch.kind[k] ?? 0;
  if (kind === 0) return batch.texts.get(k) ?? null;
  return scannedLabel(bytes ?? Buffer.alloc(0), kind, batch.start[k] ?? 0, batch.end[k] ?? 0, batch.num[k] ?? 0);
}

/**
 * What the key checks (primary key, unique fields, relations) need of a record JSON.parse made;
 * a record the fast path scanned is read where it lies (`KeyRecorder.addScanned`).
 */
export class ParsedValues {
  private record: Record<string, unknown> = {};
  private recordKey: string | null = null;
  private numbers: ReadonlyMap<string, string> = new Map();

  /** `numbers`: the text of each top-level number its double may not tell apart (see `isShortNumber`). */
  set(record: Record<string, unknown>, recordKey: string | null, numbers: ReadonlyMap<string, string>): this {
    this.record = record;
    this.recordKey = recordKey;
    this.numbers = numbers;
    return this;
  }

  /** Writes the key digest of the field's value into `out`; false when it is missing or not a scalar. */
  digest(field: KeyField, out: Digest): boolean {
    const v = own(this.record, field.name);
    if (!isKeyable(v)) return false;
    if (typeof v === "string") digestString(v, out);
    else if (typeof v === "number" && this.numbers.has(field.name)) digestNumberText(this.numbers.get(field.name) ?? "", out);
    else digestScalar(v, out);
    return true;
  }

  /** Keeps its record key as record `k` of `into`, for a check that runs after the record is gone. */
  hold(into: KeyBatch, k: number): void {
    into.kind[k] = 0;
    into.texts.set(k, this.recordKey);
  }

  /**
   * The record key of a parsed record; `plain`: the record holds no secret needle, so only
   * shortening is needed. A number its double does not tell apart is labelled as written
   * (`text`), not as the double that stands for it (2^64 + 1 is not "18446744073709552000").
   */
  static labelOf(pkValue: unknown, plain: boolean, text: string | undefined): string | null {
    if (typeof pkValue === "number" && text !== undefined && !fitsDouble(decimalOf(text))) return shortLabel(text);
    return isKeyable(pkValue) ? (plain ? shortLabel(String(pkValue)) : safeLabel(String(pkValue))) : null;
  }
}

/** The record key of a scanned record, from its primary key's kind and place. */
function scannedLabel(bytes: Buffer, kind: number, start: number, end: number, num: number): string | null {
  // Decoded into a string of its own: the bytes are a view of the read buffer, reused next read.
  if (kind === K_STRING) return shortLabel(bytes.toString("utf8", start, end));
  if (kind === K_NUMBER) return shortLabel(String(num));
  if (kind === K_TRUE || kind === K_FALSE) return String(kind === K_TRUE);
  return null;
}
