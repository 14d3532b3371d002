/** A key remembered as 64 bits of its hash: two 32-bit halves, never the value itself. */
export interface Digest {
  hi: number;
  lo: number;
}

const EMPTY = 0;
const MIN_SLOTS = 1024;
/** A table this small stays in the caches. */
const CACHED_BYTES = 1024 * 1024;
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
  private table: Uint32Array;
  private slots: number;
  /** Slot of a low half: its place in [0, 2³²) scaled to the table (no power-of-two mask needed). */
  private scale: number;
  private count = 0;

  constructor(capacity = 0) {
    this.slots = Math.max(MIN_SLOTS, Math.ceil(capacity / LOAD));
    this.table = new Uint32Array(this.slots * 2);
    this.scale = this.slots / 4294967296;
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
   * Reads the first slot each of `n` digests probes, so a batch of lookups finds them cached:
   * in one tight loop the misses overlap, where lookup by lookup each waits for the last. The
   * digests are `digests[(k * stride + column) * 2 ..]` (hi, lo) where `present[k * stride + column]`.
   */
  touch(digests: Uint32Array, present: Uint8Array, stride: number, column: number, n: number): number {
    const table = this.table;
    let seen = 0;
    // A table that fits the caches is all warm already: touching it would only cost.
    if (table.byteLength <= CACHED_BYTES) return seen;
    for (let k = 0, s = column; k < n; k += 1, s += stride) {
      if (present[s] === 0) continue;
      seen ^= table[this.home(fix(digests[s * 2] ?? 0, digests[s * 2 + 1] ?? 0)) * 2] ?? EMPTY;
    }
    return seen;
  }

  /**
   * Adds column `column` of a batch's digests (see `touch`) in order, and calls `duplicate(k)`
   * for each digest already there; returns how many were added. One tight loop for a batch, for
   * the key checks' common case, where no budget can run out in the batch (key-checks.ts).
   */
  addColumn(digests: Uint32Array, present: Uint8Array, stride: number, column: number, n: number, duplicate: (k: number) => void): number {
    let added = 0;
    for (let k = 0, s = column; k < n; k += 1, s += stride) {
      if (present[s] === 0) continue;
      const hi = digests[s * 2] ?? EMPTY;
      const lo = fix(hi, digests[s * 2 + 1] ?? EMPTY);
      const slot = this.probe(hi, lo);
      if (slot < 0) duplicate(k);
      else {
        this.put(slot, hi, lo);
        added += 1;
      }
    }
    return added;
  }

  /** Calls `missing(k)` for each digest of column `column` of a batch (see `touch`) that is not in the set, in order. */
  missingColumn(digests: Uint32Array, present: Uint8Array, stride: number, column: number, n: number, missing: (k: number) => void): void {
    for (let k = 0, s = column; k < n; k += 1, s += stride) {
      if (present[s] === 0) continue;
      const hi = digests[s * 2] ?? EMPTY;
      if (this.probe(hi, fix(hi, digests[s * 2 + 1] ?? EMPTY)) >= 0) missing(k);
    }
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

  private grow(): void {
    const old = this.table;
    this.slots *= 2;
    this.scale = this.slots / 4294967296;
    this.table = new Uint32Array(this.slots * 2);
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
