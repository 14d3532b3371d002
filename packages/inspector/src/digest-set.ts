import { DIGEST_SET_WASM } from "./digest-set-wasm.ts";
import { grownTo, instances, type WasmMemory } from "./wasm.ts";

/** A key remembered as 64 bits of its hash: two 32-bit halves, never the value itself. */
export interface Digest {
  hi: number;
  lo: number;
}

/** The module's exports (see wasm/digest-set.wat). */
interface Loops {
  memory: WasmMemory;
  addColumn(tab: number, slots: number, scale: number, warm: number, room: number, dig: number, pres: number, stride: number, column: number, from: number, n: number, hits: number, out: number): number;
  missingColumn(tab: number, slots: number, scale: number, warm: number, dig: number, pres: number, stride: number, column: number, n: number, hits: number): number;
}

/** An instance a set: each holds its own table, so the memory of a set goes with it. */
const loops = instances<Loops>(DIGEST_SET_WASM);
/** Where a set's first table starts in its memory. */
const TABLE_AT = 64;

const EMPTY = 0;
const MIN_SLOTS = 1024;
/**
 * A table this small stays in the first-level cache between two batches. A larger one does not,
 * even one that would fit the second level: between two batches the scan reads a 256 KiB item
 * and writes its answers, so a 280 KB authors table took 27-32 ms of lookups per 100 MB
 * untouched and 21-24 ms touched first.
 */
const CACHED_BYTES = 64 * 1024;
/** Slots filled at most (linear probing stays short below it), so 8 bytes a slot is ~11 a key. */
const LOAD = 0.75;

/**
 * An open-addressing set of 64-bit digests in one Uint32Array: 8 bytes a slot at a load of at
 * most three quarters, so ~11 bytes a key against ~130 for a Set of digest strings. This is what
 * keeps the inspector's memory flat enough as packets grow: the key index is the only thing
 * that grows with the packet. The table is sized for the keys expected, not rounded up to a
 * power of two: a large index is probed at random, and every megabyte less it takes is a
 * megabyte more of it in the caches. (0,0) marks an empty slot, so a digest of (0,0) is stored
 * as (0,1); the one key it could be confused with is no likelier than another 64-bit collision.
 */
export class DigestSet {
  /** The batch loops (wasm/digest-set.wat), over the table in their memory; a new instance when the table grows. */
  private wasm: Loops;
  /** The table: a view of the module's memory, made anew whenever the memory grows. */
  private table: Uint32Array;
  private slots: number;
  /** Slot of a low half: its place in [0, 2³²) scaled to the table (no power-of-two mask needed). */
  private scale: number;
  private count = 0;

  constructor(capacity = 0) {
    this.slots = Math.max(MIN_SLOTS, Math.ceil(capacity / LOAD));
    this.scale = this.slots / 4294967296;
    this.wasm = loops();
    this.table = this.freshTable();
  }

  /** A new instance's memory, grown to hold the table (a fresh memory is zeros), and the table's view. */
  private freshTable(): Uint32Array {
    grownTo(this.wasm.memory, TABLE_AT + this.slots * 8);
    return new Uint32Array(this.wasm.memory.buffer, TABLE_AT, this.slots * 2);
  }

  /**
   * Copies a batch's first `n` records' digests and presence (see key-checks.ts) into the memory
   * past the table; where they lie, and room for `n` record numbers and two counts.
   */
  private load(digests: Uint32Array, present: Uint8Array, stride: number, n: number): { dig: number; pres: number; hits: number; out: number } {
    const dig = TABLE_AT + this.slots * 8;
    const pres = dig + n * stride * 8;
    const hits = (pres + n * stride + 3) & ~3;
    const out = hits + n * 4;
    if (grownTo(this.wasm.memory, out + 8)) this.table = new Uint32Array(this.wasm.memory.buffer, TABLE_AT, this.slots * 2);
    const buffer = this.wasm.memory.buffer;
    new Uint32Array(buffer, dig, n * stride * 2).set(digests.subarray(0, n * stride * 2));
    new Uint8Array(buffer, pres, n * stride).set(present.subarray(0, n * stride));
    return { dig, pres, hits, out };
  }

  /** A table that fits the caches is all warm already: touching it would only cost. */
  private get warm(): number {
    return this.slots * 8 > CACHED_BYTES ? 1 : 0;
  }

  get size(): number {
    return this.count;
  }

  /** lo × slots / 2³² < slots, and no rounding of doubles brings a table under 2⁴⁰ slots up to it. */
  private home(lo: number): number {
    return (lo * this.scale) | 0;
  }

  has(d: Digest): boolean {
    return this.probe(d.hi >>> 0, fix(d.hi, d.lo)) < 0;
  }

  /** True when the digest was not there yet. */
  add(d: Digest): boolean {
    const hi = d.hi >>> 0;
    const lo = fix(d.hi, d.lo);
    const slot = this.probe(hi, lo);
    if (slot < 0) return false;
    this.put(slot, hi, lo);
    return true;
  }

  /**
   * `has`, then `add` if `budget.reserve(line)` allows, in one probe: the slot a new digest
   * goes to is the empty one the search ended on. "full" when the budget said no.
   */
  addWithin(d: Digest, budget: { reserve(line: number): boolean }, line: number): "added" | "duplicate" | "full" {
    const hi = d.hi >>> 0;
    const lo = fix(d.hi, d.lo);
    const slot = this.probe(hi, lo);
    if (slot < 0) return "duplicate";
    if (!budget.reserve(line)) return "full";
    this.put(slot, hi, lo);
    return "added";
  }

  /**
   * Adds column `column` of a batch's digests in order (`digests[(k * stride + column) * 2 ..]`
   * (hi, lo) where `present[k * stride + column]`), and calls `duplicate(k)` for each digest
   * already there; returns how many were added. One Wasm loop for a batch, for the key checks'
   * common case, where no budget can run out in the batch (key-checks.ts); it first reads the
   * slot every digest starts at, so the cache misses of a large table overlap.
   */
  addColumn(digests: Uint32Array, present: Uint8Array, stride: number, column: number, n: number, duplicate: (k: number) => void): number {
    let at = this.load(digests, present, stride, n);
    let added = 0;
    for (let k = 0; ; ) {
      // Past the load the table must grow first: the loop stops at the record that would need it.
      const room = Math.floor(this.slots * LOAD) - this.count;
      k = this.wasm.addColumn(TABLE_AT, this.slots, this.scale, this.warm, room, at.dig, at.pres, stride, column, k, n, at.hits, at.out);
      const out = new Int32Array(this.wasm.memory.buffer, at.hits, n + 2);
      const found = out[n] ?? 0;
      const now = out[n + 1] ?? 0;
      this.count += now;
      added += now;
      for (let h = 0; h < found; h += 1) duplicate(out[h] ?? 0);
      if (k >= n) return added;
      this.grow();
      at = this.load(digests, present, stride, n);
    }
  }

  /** Calls `missing(k)` for each digest of column `column` of a batch (see `addColumn`) that is not in the set, in order. */
  missingColumn(digests: Uint32Array, present: Uint8Array, stride: number, column: number, n: number, missing: (k: number) => void): void {
    const at = this.load(digests, present, stride, n);
    const found = this.wasm.missingColumn(TABLE_AT, this.slots, this.scale, this.warm, at.dig, at.pres, stride, column, n, at.hits);
    const hits = new Int32Array(this.wasm.memory.buffer, at.hits, found);
    for (let h = 0; h < found; h += 1) missing(hits[h] ?? 0);
  }

  /** The empty slot a new digest would take, or -1 when the digest is there already (so also the lookup). */
  private probe(hi: number, lo: number): number {
    const table = this.table;
    let slot = this.home(lo);
    for (;;) {
      const h = table[slot * 2] ?? EMPTY;
      const l = table[slot * 2 + 1] ?? EMPTY;
      if (h === EMPTY && l === EMPTY) return slot;
      if (h === hi && l === lo) return -1;
      slot = slot + 1 === this.slots ? 0 : slot + 1;
    }
  }

  /** Stores a new digest in `slot` (from `probe`), or, past the load, in a table twice the size. */
  private put(slot: number, hi: number, lo: number): void {
    if (this.count + 1 > this.slots * LOAD) {
      this.grow();
      this.insert(hi, lo);
    } else {
      this.table[slot * 2] = hi;
      this.table[slot * 2 + 1] = lo;
    }
    this.count += 1;
  }

  private insert(hi: number, lo: number): void {
    const slot = this.probe(hi, lo);
    this.table[slot * 2] = hi;
    this.table[slot * 2 + 1] = lo;
  }

  /** A table twice the size, in a new instance: the old one's memory goes with it. */
  private grow(): void {
    const old = this.table;
    this.slots *= 2;
    this.scale = this.slots / 4294967296;
    this.wasm = loops();
    this.table = this.freshTable();
    for (let i = 0; i < old.length; i += 2) {
      const hi = old[i] ?? EMPTY;
      const lo = old[i + 1] ?? EMPTY;
      if (hi !== EMPTY || lo !== EMPTY) this.insert(hi, lo);
    }
  }
}

/** The low half as stored: (0,0) marks an empty slot, so the all-zero digest is kept as (0,1). */
const fix = (hi: number, lo: number): number => {
  const l = lo >>> 0;
  return hi === 0 && l === 0 ? 1 : l;
};
