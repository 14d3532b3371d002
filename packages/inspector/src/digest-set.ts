/** A key remembered as 64 bits of its hash: two 32-bit halves, never the value itself. */
export interface Digest {
  hi: number;
  lo: number;
}

const EMPTY = 0;
const MIN_CAPACITY = 1024;

/**
 * An open-addressing set of 64-bit digests in one Uint32Array: 8 bytes a slot at a load of at
 * most one half, so ~16 bytes a key against ~130 for a Set of digest strings. This is what keeps
 * the inspector's memory flat enough as packets grow: the key index is the only thing that grows
 * with the packet. (0,0) marks an empty slot, so a digest of (0,0) is stored as (0,1); the one
 * key it could be confused with is no likelier than another 64-bit collision.
 */
export class DigestSet {
  private table: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(capacity = MIN_CAPACITY) {
    let slots = MIN_CAPACITY;
    while (slots < capacity * 2) slots *= 2;
    this.table = new Uint32Array(slots * 2);
    this.mask = slots - 1;
  }

  get size(): number {
    return this.count;
  }

  has(d: Digest): boolean {
    return this.find(d.hi >>> 0, fix(d)) >= 0;
  }

  /** True when the digest was not there yet. */
  add(d: Digest): boolean {
    if (this.has(d)) return false;
    this.addNew(d);
    return true;
  }

  /** `add` for a digest the caller has just seen `has` deny: spares the second probe. */
  addNew(d: Digest): void {
    const hi = d.hi >>> 0;
    const lo = fix(d);
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    this.insert(hi, lo);
    this.count += 1;
  }

  /**
   * `has`, then `addNew` if `budget.reserve(line)` allows, in one probe: the slot a new digest
   * goes to is the empty one the search ended on. "full" when the budget said no.
   */
  addWithin(d: Digest, budget: { reserve(line: number): boolean }, line: number): "added" | "duplicate" | "full" {
    const hi = d.hi >>> 0;
    const lo = fix(d);
    const table = this.table;
    const mask = this.mask;
    let slot = lo & mask;
    for (;;) {
      const h = table[slot * 2] ?? EMPTY;
      const l = table[slot * 2 + 1] ?? EMPTY;
      if (h === EMPTY && l === EMPTY) break;
      if (h === hi && l === lo) return "duplicate";
      slot = (slot + 1) & mask;
    }
    if (!budget.reserve(line)) return "full";
    if ((this.count + 1) * 2 > mask + 1) {
      this.grow();
      this.insert(hi, lo);
    } else {
      table[slot * 2] = hi;
      table[slot * 2 + 1] = lo;
    }
    this.count += 1;
    return "added";
  }

  /**
   * Reads the first slot each of `n` digests probes, so a batch of lookups finds them cached:
   * in one tight loop the misses overlap, where lookup by lookup each waits for the last. The
   * digests are `digests[(k * stride + column) * 2 ..]` (hi, lo) where `present[k * stride + column]`.
   */
  touch(digests: Uint32Array, present: Uint8Array, stride: number, column: number, n: number): number {
    const table = this.table;
    const mask = this.mask;
    let seen = 0;
    for (let k = 0, s = column; k < n; k += 1, s += stride) {
      if (present[s] === 0) continue;
      const lo = digests[s * 2 + 1] ?? 0;
      seen ^= table[((lo === 0 ? 1 : lo) & mask) * 2] ?? EMPTY;
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
    next: for (let k = 0, s = column; k < n; k += 1, s += stride) {
      if (present[s] === 0) continue;
      const hi = digests[s * 2] ?? EMPTY;
      const l = digests[s * 2 + 1] ?? EMPTY;
      const lo = hi === 0 && l === 0 ? 1 : l;
      const table = this.table;
      const mask = this.mask;
      let slot = lo & mask;
      for (;;) {
        const h = table[slot * 2] ?? EMPTY;
        const x = table[slot * 2 + 1] ?? EMPTY;
        if (h === EMPTY && x === EMPTY) break;
        if (h === hi && x === lo) {
          duplicate(k);
          continue next;
        }
        slot = (slot + 1) & mask;
      }
      if ((this.count + 1) * 2 > mask + 1) {
        this.grow();
        this.insert(hi, lo);
      } else {
        table[slot * 2] = hi;
        table[slot * 2 + 1] = lo;
      }
      this.count += 1;
      added += 1;
    }
    return added;
  }

  /** Calls `missing(k)` for each digest of column `column` of a batch (see `touch`) that is not in the set, in order. */
  missingColumn(digests: Uint32Array, present: Uint8Array, stride: number, column: number, n: number, missing: (k: number) => void): void {
    const table = this.table;
    const mask = this.mask;
    next: for (let k = 0, s = column; k < n; k += 1, s += stride) {
      if (present[s] === 0) continue;
      const hi = digests[s * 2] ?? EMPTY;
      const l = digests[s * 2 + 1] ?? EMPTY;
      const lo = hi === 0 && l === 0 ? 1 : l;
      for (let slot = lo & mask; ; slot = (slot + 1) & mask) {
        const h = table[slot * 2] ?? EMPTY;
        const x = table[slot * 2 + 1] ?? EMPTY;
        if (h === hi && x === lo) continue next;
        if (h === EMPTY && x === EMPTY) break;
      }
      missing(k);
    }
  }

  private find(hi: number, lo: number): number {
    let slot = lo & this.mask;
    for (;;) {
      const h = this.table[slot * 2] ?? EMPTY;
      const l = this.table[slot * 2 + 1] ?? EMPTY;
      if (h === EMPTY && l === EMPTY) return -1;
      if (h === hi && l === lo) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  private insert(hi: number, lo: number): void {
    let slot = lo & this.mask;
    while ((this.table[slot * 2] ?? EMPTY) !== EMPTY || (this.table[slot * 2 + 1] ?? EMPTY) !== EMPTY) slot = (slot + 1) & this.mask;
    this.table[slot * 2] = hi;
    this.table[slot * 2 + 1] = lo;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Uint32Array(old.length * 2);
    this.mask = (this.mask + 1) * 2 - 1;
    for (let i = 0; i < old.length; i += 2) {
      const hi = old[i] ?? EMPTY;
      const lo = old[i + 1] ?? EMPTY;
      if (hi !== EMPTY || lo !== EMPTY) this.insert(hi, lo);
    }
  }
}

const fix = (d: Digest): number => {
  const lo = d.lo >>> 0;
  return d.hi === 0 && lo === 0 ? 1 : lo;
};
