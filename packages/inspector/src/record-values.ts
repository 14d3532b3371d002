import type { Digest } from "./digest-set.ts";
import { own } from "./fields.ts";
import { digestScalar, digestString, digestUtf8, isKeyable } from "./keys.ts";
import { K_FALSE, K_NUMBER, K_STRING, K_TRUE, type RecordScan } from "./record-scan.ts";
import { safeLabel, shortLabel } from "./secrets.ts";

/** A field the key checks look at: its name, and its place in the schema's field list (-1 if none). */
export interface KeyField {
  name: string;
  index: number;
}

/**
 * What the key checks (primary key, unique fields, relations) need of one record, whichever
 * path read it: a parsed object or a line the fast path scanned in place.
 */
export interface RecordValues {
  /** Writes the key digest of the field's value into `out`; false when it is missing or not a scalar. */
  digest(field: KeyField, out: Digest): boolean;
  /** The record key as findings name it (null when the primary key is not a scalar). */
  label(): string | null;
  /** Keeps what `label` needs in `into[k]`, for a check that runs after this record's values are gone. */
  hold(into: HeldLabels, k: number): void;
}

/**
 * Record keys of records whose key checks wait in a batch (key-checks.ts), made into text only
 * if a check needs them: as text (parsed records), or as where the key lies in `bytes` (the
 * read buffer the batch's scanned records share; the batch is checked before it is reused).
 */
export class HeldLabels {
  readonly kind: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly num: Float64Array;
  readonly texts: (string | null)[] = [];
  bytes: Buffer = Buffer.alloc(0);

  constructor(size: number) {
    this.kind = new Uint8Array(size);
    this.start = new Int32Array(size);
    this.end = new Int32Array(size);
    this.num = new Float64Array(size);
  }

  text(k: number): string | null {
    const kind = this.kind[k] ?? 0;
    return kind === 0 ? (this.texts[k] ?? null) : scannedLabel(this.bytes, kind, this.start[k] ?? 0, this.end[k] ?? 0, this.num[k] ?? 0);
  }
}

/** A record JSON.parse made. */
export class ParsedValues implements RecordValues {
  private record: Record<string, unknown> = {};
  private recordKey: string | null = null;

  set(record: Record<string, unknown>, recordKey: string | null): this {
    this.record = record;
    this.recordKey = recordKey;
    return this;
  }

  digest(field: KeyField, out: Digest): boolean {
    const v = own(this.record, field.name);
    if (!isKeyable(v)) return false;
    if (typeof v === "string") digestString(v, out);
    else digestScalar(v, out);
    return true;
  }

  label(): string | null {
    return this.recordKey;
  }

  hold(into: HeldLabels, k: number): void {
    into.kind[k] = 0;
    into.texts[k] = this.recordKey;
  }

  /** The record key of a parsed record; `plain`: the record holds no secret needle, so only shortening is needed. */
  static labelOf(pkValue: unknown, plain: boolean): string | null {
    return isKeyable(pkValue) ? (plain ? shortLabel(String(pkValue)) : safeLabel(String(pkValue))) : null;
  }
}

/**
 * A line `RecordScan.scan` accepted, read where it lies in its bytes: strings are hashed in
 * place, and the record key is made only if a finding or a pending reference needs it. The fast path takes only lines
 * without a secret hint, so the key is shortened, never redacted: exactly what
 * `ParsedValues.labelOf(_, true)` gives.
 */
export class ScannedValues implements RecordValues {
  private bytes: Buffer = Buffer.alloc(0);

  constructor(private readonly scan: RecordScan) {}

  set(bytes: Buffer): this {
    this.bytes = bytes;
    return this;
  }

  digest(field: KeyField, out: Digest): boolean {
    const s = this.scan;
    const f = field.index;
    if (!s.has(f)) return false;
    const kind = s.kind[f];
    if (kind === K_STRING) digestUtf8(this.bytes, s.start[f] ?? 0, s.end[f] ?? 0, out);
    else if (kind === K_NUMBER) digestScalar(s.num[f] ?? 0, out);
    else if (kind === K_TRUE || kind === K_FALSE) digestScalar(kind === K_TRUE, out);
    else return false;
    return true;
  }

  label(): string | null {
    const s = this.scan;
    const f = s.pk;
    return scannedLabel(this.bytes, s.kind[f] ?? 0, s.start[f] ?? 0, s.end[f] ?? 0, s.num[f] ?? 0);
  }

  hold(into: HeldLabels, k: number): void {
    const s = this.scan;
    const f = s.pk;
    into.bytes = this.bytes;
    // Never 0 (which marks held text): a scanned primary key is never missing or null.
    into.kind[k] = s.kind[f] ?? 0;
    into.start[k] = s.start[f] ?? 0;
    into.end[k] = s.end[f] ?? 0;
    into.num[k] = s.num[f] ?? 0;
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
