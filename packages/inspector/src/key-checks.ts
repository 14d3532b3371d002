import type { PacketCollection, PacketRelation } from "@macro/ssot";
import type { Digest, DigestSet } from "./digest-set.ts";
import { finding, type Finding } from "./findings.ts";
import type { KeyIndex } from "./keys.ts";
import { heldLabel, type KeyBatch } from "./record-values.ts";

/** How a relation is checked while its collection's file is read (see `inspect.ts`). */
export type RelationTarget = DigestSet | "not-checked" | "pending";

/**
 * The key checks of one collection (duplicates of indexed keys, then each relation), run on
 * batches of records in record order. A key index outgrows the caches, so each probe is a
 * miss; one record at a time, each miss waits for the one before. A batch's column goes to
 * the set's Wasm loop (digest-set.ts), which first touches the slot every one of its probes
 * starts at, with nothing else to wait for, so the misses overlap; the checks then run on warm
 * lines. Findings come out in record order per code, which is all the finding store keeps
 * order by.
 */
interface Keyed {
  name: string;
  set: DigestSet;
  duplicate: "PK_DUPLICATE" | "UNIQUE_DUPLICATE" | null;
}

/**
 * Digests a set is handed at once (see `byColumn`): 16 KiB of them, ~26 KiB of a set's memory
 * with their places; 2000 sets (MAX_KEY_SETS) then keep ~52 MB for it.
 */
const COLUMN_DIGESTS = 2048;

export class KeyChecks {
  private relations: (PacketRelation & { target: RelationTarget })[] = [];
  /** Relations whose references are kept for later: each may take an index entry a record. */
  private pending = 0;
  private readonly keyed: Keyed[];
  private readonly digest: Digest = { hi: 0, lo: 0 };

  constructor(
    private readonly collection: PacketCollection,
    private readonly index: KeyIndex,
    /** Relation fields with references that could not be kept (index budget spent). */
    private readonly unresolved: Set<string>,
    private readonly sink: (f: Finding) => void,
  ) {
    const uniques = new Set(collection.fields.filter((f) => f.unique === true && f.name !== collection.primaryKey).map((f) => f.name));
    this.keyed = [...index.sets].map(([name, set]) => ({
      name,
      set,
      duplicate: name === collection.primaryKey ? "PK_DUPLICATE" : uniques.has(name) ? "UNIQUE_DUPLICATE" : null,
    }));
    this.begin(() => "pending");
  }

  /** Sets how each relation is checked from now on. */
  begin(targetOf: (collection: string, key: string) => RelationTarget): void {
    this.relations = (this.collection.relations ?? []).map((r) => ({ ...r, target: targetOf(r.collection, r.key) }));
    this.pending = this.relations.filter((r) => r.target === "pending").length;
  }

  /**
   * Runs the checks of every record in `batch`, in order; a record's line is `lineBase` plus its
   * line in the batch. `bytes` is the buffer the batch's scanned records lie in.
   */
  apply(batch: KeyBatch, lineBase: number, bytes: Buffer | undefined): void {
    const n = batch.count;
    if (n === 0) return;
    // A batch whose every entry fits the budget is checked column by column, in tight loops;
    // one that may run the budget out, record by record, so it runs out at the same line.
    if (this.index.room() >= n * (this.keyed.length + this.pending)) this.byColumn(batch, lineBase, bytes);
    else this.byRecord(batch, lineBase, bytes);
  }

  /**
   * `apply` a column at a time. Findings are gathered and handed on in record order, then
   * field order, as `byRecord` gives them; the finding store keeps order only per code, and
   * within a code that is the order here.
   */
  private byColumn(batch: KeyBatch, lineBase: number, bytes: Buffer | undefined): void {
    // Each set copies the digests it checks into its own memory, which keeps its largest size:
    // in parts of at most COLUMN_DIGESTS, so a batch of many tiny records, or of many key fields,
    // does not leave every set of the packet that large. A batch of real records is one part.
    const part = Math.max(1, Math.floor(COLUMN_DIGESTS / batch.slots));
    for (let from = 0; from < batch.count; from += part) this.columns(batch, from, Math.min(batch.count, from + part), lineBase, bytes);
  }

  /** `byColumn` for records `from` to `to` (exclusive) of the batch. */
  private columns(batch: KeyBatch, from: number, to: number, lineBase: number, bytes: Buffer | undefined): void {
    const { keyed, relations } = this;
    const { slots } = batch;
    const n = to - from;
    const present = from === 0 ? batch.present : batch.present.subarray(from * slots);
    const digests = from === 0 ? batch.digests : batch.digests.subarray(from * slots * 2);
    const hits: number[] = [];
    for (let j = 0; j < keyed.length; j += 1) {
      const { set, duplicate } = keyed[j] as (typeof keyed)[number];
      this.index.spent(set.addColumn(digests, present, slots, j, n, (k) => duplicate !== null && hits.push((from + k) * slots + j)));
    }
    for (let j = 0; j < relations.length; j += 1) {
      const rel = relations[j] as (typeof relations)[number];
      const column = keyed.length + j;
      if (typeof rel.target === "object") rel.target.missingColumn(digests, present, slots, column, n, (k) => hits.push((from + k) * slots + column));
      else if (rel.target === "pending") {
        for (let k = from, s = from * slots + column; k < to; k += 1, s += slots) {
          if (batch.present[s] === 0) continue;
          const ref = { digest: { hi: batch.digests[s * 2] ?? 0, lo: batch.digests[s * 2 + 1] ?? 0 }, line: lineBase + (batch.lines[k] ?? 0), recordKey: heldLabel(batch, k, bytes) };
          if (!this.index.refer(rel.field, ref)) this.unresolved.add(rel.field);
        }
      }
    }
    hits.sort((a, b) => a - b);
    for (const h of hits) {
      const k = Math.floor(h / slots);
      const j = h % slots;
      const line = lineBase + (batch.lines[k] ?? 0);
      const recordKey = heldLabel(batch, k, bytes);
      const key = keyed[j];
      if (key !== undefined) this.duplicate(key.duplicate, key.name, line, recordKey);
      else {
        const rel = relations[j - keyed.length];
        if (rel !== undefined) this.dangling(rel, line, recordKey);
      }
    }
  }

  private duplicate(code: Keyed["duplicate"], field: string, line: number, recordKey: string | null): void {
    if (code === null) return;
    const what = code === "PK_DUPLICATE" ? "primary key value" : "unique field value";
    this.sink(finding(code, { collection: this.collection.name, line, recordKey, field }, `${what} already used by an earlier record`));
  }

  private dangling(rel: PacketRelation, line: number, recordKey: string | null): void {
    this.sink(finding("RELATION_DANGLING", { collection: this.collection.name, line, recordKey, field: rel.field }, `no ${rel.collection} record has this ${rel.key}`));
  }

  /** `apply` record by record, for a batch in which the key index budget may run out. */
  private byRecord(batch: KeyBatch, lineBase: number, bytes: Buffer | undefined): void {
    const { keyed, relations, digest } = this;
    const { slots, present, digests, count: n } = batch;
    for (let k = 0; k < n; k += 1) {
      const line = lineBase + (batch.lines[k] ?? 0);
      let s = k * slots;
      for (const { name: field, set, duplicate } of keyed) {
        const at = s++;
        if (present[at] === 0) continue;
        digest.hi = digests[at * 2] ?? 0;
        digest.lo = digests[at * 2 + 1] ?? 0;
        if (this.index.addTo(set, digest, line) === "duplicate") this.duplicate(duplicate, field, line, heldLabel(batch, k, bytes));
      }
      for (const rel of relations) {
        const at = s++;
        if (present[at] === 0 || rel.target === "not-checked") continue;
        digest.hi = digests[at * 2] ?? 0;
        digest.lo = digests[at * 2 + 1] ?? 0;
        if (rel.target === "pending") {
          const ref = { digest: { hi: digest.hi, lo: digest.lo }, line, recordKey: heldLabel(batch, k, bytes) };
          if (!this.index.refer(rel.field, ref)) this.unresolved.add(rel.field);
        } else if (!rel.target.has(digest)) this.dangling(rel, line, heldLabel(batch, k, bytes));
      }
    }
  }
}
