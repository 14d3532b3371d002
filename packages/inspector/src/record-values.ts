import type { Digest } from "./digest-set.ts";
import { own } from "./fields.ts";
import { digestRange, digestScalar, digestString, isKeyable } from "./keys.ts";
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

  /** The record key of a parsed record; `plain`: the record holds no secret needle, so only shortening is needed. */
  static labelOf(pkValue: unknown, plain: boolean): string | null {
    return isKeyable(pkValue) ? (plain ? shortLabel(String(pkValue)) : safeLabel(String(pkValue))) : null;
  }
}

/**
 * A line `RecordScan.scan` accepted, read where it lies in its text: strings are hashed in
 * place, and the record key is made only if a finding or a pending reference needs it. The
 * fast path takes only lines without a secret hint, so the key is shortened, never redacted:
 * exactly what `ParsedValues.labelOf(_, true)` gives.
 */
export class ScannedValues implements RecordValues {
  private text = "";

  constructor(private readonly scan: RecordScan) {}

  set(text: string): this {
    this.text = text;
    return this;
  }

  digest(field: KeyField, out: Digest): boolean {
    const s = this.scan;
    const f = field.index;
    if (!s.has(f)) return false;
    const kind = s.kind[f];
    if (kind === K_STRING) digestRange(this.text, s.start[f] ?? 0, s.end[f] ?? 0, out);
    else if (kind === K_NUMBER) digestScalar(s.num[f] ?? 0, out);
    else if (kind === K_TRUE || kind === K_FALSE) digestScalar(kind === K_TRUE, out);
    else return false;
    return true;
  }

  label(): string | null {
    const s = this.scan;
    const f = s.pk;
    const kind = s.kind[f];
    // A copy, not a slice: a slice would keep the whole decoded run alive for as long as the
    // finding or pending reference that names this record.
    if (kind === K_STRING) return shortLabel(Buffer.from(this.text.slice(s.start[f] ?? 0, s.end[f] ?? 0), "utf8").toString("utf8"));
    if (kind === K_NUMBER) return shortLabel(String(s.num[f] ?? 0));
    if (kind === K_TRUE || kind === K_FALSE) return String(kind === K_TRUE);
    return null;
  }
}
