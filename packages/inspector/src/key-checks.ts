import type { PacketCollection, PacketRelation } from "@macro/ssot";
import type { Digest, DigestSet } from "./digest-set.ts";
import { finding, type Finding } from "./findings.ts";
import type { KeyIndex } from "./keys.ts";
import { HeldLabels, type KeyField, type RecordValues } from "./record-values.ts";

/** How a relation is checked while its collection's file is read (see `CollectionChecker.begin`). */
export type RelationTarget = DigestSet | "not-checked" | "pending";

/** Records held before their key checks run: enough for the first probes of a batch to overlap. */
const BATCH = 256;

/**
 * The key checks of one collection (duplicates of indexed keys, then each relation), run on
 * records in batches, in record order. A key index outgrows the caches, so each probe is a
 * miss; one record at a time, each miss waits for the one before. A batch first touches the
 * slot every one of its probes starts at, in a loop with nothing else to wait for, so the
 * misses overlap; the checks then run as before, on warm lines. Findings come out in record
 * order per code, which is all the finding store keeps order by.
 *
 * What a record needs is taken when it is added: its digests, and where its record key lies
 * (text, or a range of the read buffer, valid until the reader moves on: `flush` runs before).
 */
export class KeyChecks {
  private relations: (PacketRelation & { from: KeyField; target: RelationTarget })[] = [];
  private readonly keyed: { field: KeyField; set: DigestSet; duplicate: "PK_DUPLICATE" | "UNIQUE_DUPLICATE" | null }[];
  /** Digest slots per record: the indexed fields, then the relations. */
  private slots = 0;
  private count = 0;
  private lines = new Int32Array(BATCH);
  private present = new Uint8Array(0);
  private digests = new Uint32Array(0);
  private readonly labels = new HeldLabels(BATCH);
  private readonly digest: Digest = { hi: 0, lo: 0 };
  /** What the touching pass read, kept so the compiler cannot drop the pass as dead code. */
  touched = 0;

  constructor(
    private readonly collection: PacketCollection,
    private readonly index: KeyIndex,
    /** Relation fields with references that could not be kept (index budget spent). */
    private readonly unresolved: Set<string>,
    private readonly sink: (f: Finding) => void,
  ) {
    const uniques = new Set(collection.fields.filter((f) => f.unique === true && f.name !== collection.primaryKey).map((f) => f.name));
    this.keyed = [...index.sets].map(([field, set]) => ({
      field: this.keyField(field),
      set,
      duplicate: field === collection.primaryKey ? "PK_DUPLICATE" : uniques.has(field) ? "UNIQUE_DUPLICATE" : null,
    }));
    this.begin(() => "pending");
  }

  /** Sets how each relation is checked from now on; records held so far are checked first. */
  begin(targetOf: (collection: string, key: string) => RelationTarget): void {
    this.flush();
    this.relations = (this.collection.relations ?? []).map((r) => ({ ...r, from: this.keyField(r.field), target: targetOf(r.collection, r.key) }));
    this.slots = this.keyed.length + this.relations.length;
    this.present = new Uint8Array(BATCH * this.slots);
    this.digests = new Uint32Array(BATCH * this.slots * 2);
  }

  private keyField(name: string): KeyField {
    return { name, index: this.collection.fields.findIndex((f) => f.name === name) };
  }

  /**
   * Holds a record's key checks. A scanned record's key stays in the read buffer: the caller
   * flushes before that buffer is reused, and before records from another buffer are added.
   */
  add(values: RecordValues, line: number): void {
    if (this.count === BATCH) this.flush();
    const k = this.count;
    this.count += 1;
    this.lines[k] = line;
    values.hold(this.labels, k);
    let s = k * this.slots;
    const d = this.digest;
    for (const { field } of this.keyed) this.take(values.digest(field, d), s++);
    for (const rel of this.relations) this.take(rel.target !== "not-checked" && values.digest(rel.from, d), s++);
  }

  private take(has: boolean, s: number): void {
    this.present[s] = has ? 1 : 0;
    if (!has) return;
    this.digests[s * 2] = this.digest.hi;
    this.digests[s * 2 + 1] = this.digest.lo;
  }

  /** Runs the checks of every record held, in order. */
  flush(): void {
    const n = this.count;
    if (n === 0) return;
    this.count = 0;
    const { keyed, relations, slots, present, digests, digest, sink } = this;
    // The first probe of each check, touched in one pass so the misses overlap (see above).
    let touched = 0;
    for (let j = 0; j < keyed.length; j += 1) touched ^= keyed[j]?.set.touch(digests, present, slots, j, n) ?? 0;
    for (let j = 0; j < relations.length; j += 1) {
      const target = relations[j]?.target;
      if (typeof target === "object") touched ^= target.touch(digests, present, slots, keyed.length + j, n);
    }
    this.touched = touched;
    const name = this.collection.name;
    for (let k = 0; k < n; k += 1) {
      const line = this.lines[k] ?? 0;
      let s = k * slots;
      for (const { field, set, duplicate } of keyed) {
        const at = s++;
        if (present[at] === 0) continue;
        digest.hi = digests[at * 2] ?? 0;
        digest.lo = digests[at * 2 + 1] ?? 0;
        if (this.index.addTo(set, digest, line) !== "duplicate" || duplicate === null) continue;
        const what = duplicate === "PK_DUPLICATE" ? "primary key value" : "unique field value";
        sink(finding(duplicate, { collection: name, line, recordKey: this.labels.text(k), field: field.name }, `${what} already used by an earlier record`));
      }
      for (const rel of relations) {
        const at = s++;
        if (present[at] === 0) continue;
        digest.hi = digests[at * 2] ?? 0;
        digest.lo = digests[at * 2 + 1] ?? 0;
        if (rel.target === "pending") {
          const ref = { digest: { hi: digest.hi, lo: digest.lo }, line, recordKey: this.labels.text(k) };
          if (!this.index.refer(rel.field, ref)) this.unresolved.add(rel.field);
        } else if (rel.target !== "not-checked" && !rel.target.has(digest)) {
          sink(finding("RELATION_DANGLING", { collection: name, line, recordKey: this.labels.text(k), field: rel.field }, `no ${rel.collection} record has this ${rel.key}`));
        }
      }
    }
    this.labels.texts.length = 0;
  }
}
