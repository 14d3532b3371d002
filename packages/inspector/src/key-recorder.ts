import type { PacketCollection } from "@macro/ssot";
import type { Digest } from "./digest-set.ts";
import { digestScalar, digestUtf8 } from "./keys.ts";
import type { RecordScan } from "./record-scan.ts";
import { K_FALSE, K_NUMBER, K_STRING, K_TRUE } from "./scan-fields.ts";
import { newKeyBatch, type KeyBatch, type KeyField, type ParsedValues } from "./record-values.ts";
import type { RunLines } from "./wasm-scan.ts";

/**
 * The fields a collection's key index holds, in its order: the primary key, the unique fields,
 * and the fields other collections point at. The same list on both sides of a check worker.
 */
export function indexedFields(collection: PacketCollection, referenced: Iterable<string>): string[] {
  const uniques = collection.fields.filter((f) => f.unique === true && f.name !== collection.primaryKey).map((f) => f.name);
  return [...new Set([collection.primaryKey, ...uniques, ...referenced])];
}

const keyField = (collection: PacketCollection, name: string): KeyField => ({ name, index: collection.fields.findIndex((f) => f.name === name) });

/**
 * Takes down what the key checks need of each record as it is read: the digest of each indexed
 * field, then of each relation field, and where its record key lies. Cheap, and the same
 * whoever reads the record; the checks themselves run later, in order (`KeyChecks`).
 */
export class KeyRecorder {
  private readonly fields: KeyField[];
  /** The schema index of each field taken down, in order (-1: not a schema field). */
  readonly fieldIndexes: readonly number[];
  batch: KeyBatch;
  private readonly digest: Digest = { hi: 0, lo: 0 };

  constructor(collection: PacketCollection, indexed: readonly string[], capacity: number) {
    this.fields = [...indexed, ...(collection.relations ?? []).map((r) => r.field)].map((name) => keyField(collection, name));
    this.fieldIndexes = this.fields.map((f) => f.index);
    this.batch = newKeyBatch(this.fields.length, capacity);
  }

  /** A parsed record (the full path). */
  add(values: ParsedValues, line: number): void {
    const b = this.next(line);
    const k = b.count - 1;
    values.hold(b, k);
    let s = k * b.slots;
    for (const field of this.fields) this.slot(b, s++, values.digest(field, this.digest));
  }

  /**
   * The record the fast path just scanned from `bytes` (see `RecordScan`): its values read where
   * they lie, strings hashed in place, and its record key kept as a place in `bytes`.
   */
  addScanned(scan: RecordScan, bytes: Buffer, line: number): void {
    const b = this.next(line);
    const k = b.count - 1;
    const pk = scan.pk;
    b.bytes = bytes;
    // Never 0 (which marks held text): a scanned primary key is never missing or null.
    b.kind[k] = scan.kind[pk] ?? 0;
    b.start[k] = scan.start[pk] ?? 0;
    b.end[k] = scan.end[pk] ?? 0;
    b.num[k] = scan.num[pk] ?? 0;
    const d = this.digest;
    let s = k * b.slots;
    for (const { index: f } of this.fields) {
      const kind = scan.has(f) ? scan.kind[f] : 0;
      let has = true;
      if (kind === K_STRING) digestUtf8(bytes, scan.start[f] ?? 0, scan.end[f] ?? 0, d);
      else if (kind === K_NUMBER) digestScalar(scan.num[f] ?? 0, d);
      else if (kind === K_TRUE || kind === K_FALSE) digestScalar(kind === K_TRUE, d);
      else has = false;
      this.slot(b, s++, has);
    }
  }

  /**
   * Lines `from` to `to` (exclusive) of a run the Wasm scan answered (`RunLines`), all fast-path
   * records: their lines, key places and digests copied a stretch at a time (a scanned record's
   * key is read from its place, `heldLabel`, so none of them has a `texts` entry).
   */
  addFast(lines: RunLines, from: number, to: number, bytes: Buffer): void {
    const m = to - from;
    const b = this.room(m);
    const k = b.count;
    const s = b.slots;
    b.bytes = bytes;
    b.lines.set(lines.lineNo.subarray(from, to), k);
    b.kind.set(lines.kind.subarray(from, to), k);
    b.start.set(lines.pkStart.subarray(from, to), k);
    b.end.set(lines.pkEnd.subarray(from, to), k);
    b.num.set(lines.num.subarray(from, to), k);
    b.present.set(lines.present.subarray(from * s, to * s), k * s);
    b.digests.set(lines.digests.subarray(from * s * 2, to * s * 2), k * s * 2);
    b.count = k + m;
  }

  /** Digest slot `s` of the batch: present with `this.digest`, or absent. */
  private slot(b: KeyBatch, s: number, has: boolean): void {
    b.present[s] = has ? 1 : 0;
    if (!has) return;
    b.digests[s * 2] = this.digest.hi;
    b.digests[s * 2 + 1] = this.digest.lo;
  }

  /** The batch, grown (its `bytes` kept) when it has no room for `m` more records. */
  private room(m: number): KeyBatch {
    const b = this.batch;
    if (b.count + m <= b.lines.length) return b;
    const grown = (this.batch = resized(b, Math.max(b.lines.length * 2, b.count + m)));
    if (b.bytes !== undefined) grown.bytes = b.bytes;
    return grown;
  }

  /** Room for one more record, taken, with its line. */
  private next(line: number): KeyBatch {
    const b = this.room(1);
    b.lines[b.count] = line;
    b.count += 1;
    return b;
  }

  /** The records taken down so far, as a batch of their own (copied out), and a fresh start. */
  take(): KeyBatch {
    const out = resized(this.batch, this.batch.count);
    this.clear();
    return out;
  }

  /** A fresh start, the records taken down so far dropped. */
  clear(): void {
    this.batch.count = 0;
    this.batch.texts.clear();
    delete this.batch.bytes;
  }
}

/** A batch of its own with room for `capacity` records, holding `b`'s records (not its `bytes`). */
function resized(b: KeyBatch, capacity: number): KeyBatch {
  const r = newKeyBatch(b.slots, capacity);
  const n = b.count;
  r.count = n;
  r.lines.set(b.lines.subarray(0, n));
  r.present.set(b.present.subarray(0, n * b.slots));
  r.digests.set(b.digests.subarray(0, n * b.slots * 2));
  r.kind.set(b.kind.subarray(0, n));
  r.start.set(b.start.subarray(0, n));
  r.end.set(b.end.subarray(0, n));
  r.num.set(b.num.subarray(0, n));
  r.texts = new Map(b.texts);
  return r;
}
