import { hash } from "node:crypto";
import { DigestSet, type Digest } from "./digest-set.ts";

/**
 * Key values are remembered as 64-bit digests, never as the values themselves: memory per
 * key is fixed whatever the key's size, and a secret used as a key is never held or echoed.
 * The JSON form is hashed so 1 and "1" stay distinct keys. A 64-bit collision among the
 * 5 million keys a collection may index has a chance below one in a million.
 */
export function keyDigest(value: string | number | boolean): Digest {
  // One-shot hash: no Hash object per key, which matters at millions of keys.
  const h = hash("sha1", JSON.stringify(value), "buffer");
  return { hi: h.readUInt32LE(0), lo: h.readUInt32LE(4) };
}

export const isKeyable = (v: unknown): v is string | number | boolean =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean";

export interface PendingRef {
  digest: Digest;
  line: number;
  recordKey: string | null;
}

/**
 * The key memory of one collection: a digest set per indexed field (primary key, unique
 * fields, fields other collections point at) plus the outgoing references still to be
 * resolved. All of it shares one budget; once the budget is spent nothing more is stored
 * and the checks that would need it are reported as not checked, never as passed.
 */
export class KeyIndex {
  readonly sets = new Map<string, DigestSet>();
  readonly pending = new Map<string, PendingRef[]>();
  private used = 0;
  /** Line at which the budget ran out, or null while it holds. */
  overflowAt: number | null = null;

  constructor(
    indexedFields: Iterable<string>,
    relationFields: Iterable<string>,
    private readonly budget: number,
  ) {
    for (const f of indexedFields) this.sets.set(f, new DigestSet());
    for (const f of relationFields) this.pending.set(f, []);
  }

  /** Is there room for one more entry? Records the overflow line the first time there is not. */
  reserve(line: number): boolean {
    if (this.overflowAt !== null) return false;
    if (this.used >= this.budget) {
      this.overflowAt = line;
      return false;
    }
    this.used += 1;
    return true;
  }

  /** Adds a key; returns "duplicate", "added" or "not-checked" (budget spent). */
  add(field: string, digest: Digest, line: number): "added" | "duplicate" | "not-checked" {
    const set = this.sets.get(field);
    if (set === undefined) throw new Error(`field ${field} is not indexed`);
    if (set.has(digest)) return "duplicate";
    if (!this.reserve(line)) return "not-checked";
    set.add(digest);
    return "added";
  }

  refer(field: string, ref: PendingRef): boolean {
    const list = this.pending.get(field);
    if (list === undefined) throw new Error(`field ${field} is not a relation`);
    if (!this.reserve(ref.line)) return false;
    list.push(ref);
    return true;
  }
}
