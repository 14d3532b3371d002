import { randomBytes } from "node:crypto";
import { DigestSet, type Digest } from "./digest-set.ts";
import { decimalOf, decimalText, fitsDouble } from "./numbers.ts";

// Two 32-bit multiply-xor lanes with a cross-lane finaliser (bryc's public-domain cyrb53,
// kept at the full 64 bits). It runs in JS over the key's characters: a native hash call
// per key (sha1 before) cost more in call overhead than the hashing itself.
// The seeds are drawn fresh for every process: the packet is untrusted input, and with known
// seeds a crafted packet could search out a colliding key offline and make a dangling
// reference read as resolved. Digests never reach a report, so the report does not change.
const SEEDS = randomBytes(8);
let SEED_HI = SEEDS.readUInt32LE(0);
let SEED_LO = SEEDS.readUInt32LE(4);

/** This process's seeds, for its check workers: digests made on two threads must agree. */
export const keySeeds = (): [number, number] => [SEED_HI, SEED_LO];

/** Takes the seeds of the thread that started this one (a check worker, before it hashes a key). */
export function useKeySeeds([hi, lo]: readonly [number, number]): void {
  SEED_HI = hi;
  SEED_LO = lo;
}
const QUOTE = 0x22;
const TAG_UNPAIRED = 0x23;
// With the u flag a surrogate class matches only unpaired surrogates.
const UNPAIRED = /[\ud800-\udfff]/u;
const TAG_INT32 = 0x10000;
const TAG_FLOAT = 0x10001;
const TAG_TRUE = 0x10002;
const TAG_FALSE = 0x10003;
const TAG_DECIMAL = 0x10004;
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/**
 * Key values are remembered as 64-bit digests, never as the values themselves: memory per
 * key is fixed whatever the key's size, and a secret used as a key is never held or echoed.
 * Equal keys are exactly the values with equal JSON forms: a string is hashed as `"`, its
 * length and its UTF-8 bytes, a number by its value (without printing it), a boolean by a tag,
 * so 1 and "1" stay distinct and 1.0 and 1 do not.
 *
 * The hash is not cryptographic. For honest data a 64-bit collision among the 5 million keys
 * a collection may index has a chance of about n²/2⁶⁵ ≈ 7 × 10⁻⁷; a collision shows up as a
 * false PK/unique duplicate (a finding, so it fails closed) or as a reference wrongly taken as
 * resolved. Per-process random seeds keep a crafted packet from aiming at the latter: it would
 * have to collide for seeds it cannot know. Digests bound memory; they are not a proof.
 */
export function keyDigest(value: string | number | boolean): Digest {
  const out = { hi: 0, lo: 0 };
  if (typeof value === "string") digestString(value, out);
  else digestScalar(value, out);
  return out;
}

/**
 * `keyDigest` of a string, written into `out` (no allocation on the fast path, which hashes the
 * bytes in place with `digestUtf8`). A string is hashed as its UTF-8 bytes; one with an unpaired
 * surrogate (only JSON escapes can make one) has no UTF-8 form and is hashed as UTF-16 units
 * under a tag of its own, so it cannot take the digest of the text it would be replaced by.
 */
export function digestString(value: string, out: Digest): void {
  if (!UNPAIRED.test(value)) {
    const b = Buffer.from(value, "utf8");
    digestUtf8(b, 0, b.length, out);
    return;
  }
  let h1 = Math.imul(SEED_HI ^ TAG_UNPAIRED, 2654435761);
  let h2 = Math.imul(SEED_LO ^ TAG_UNPAIRED, 1597334677);
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  finish(h1, h2, out);
}

/**
 * `keyDigest` of the string whose UTF-8 bytes are `b[from, to)`, written into `out`: the length,
 * then four bytes a step (a key's hash is a chain of multiplies, so a quarter of the steps is
 * most of the saving), each step folding its high bits down so no byte stays in the top bits.
 */
export function digestUtf8(b: Uint8Array, from: number, to: number, out: Digest): void {
  let h1 = Math.imul(Math.imul(SEED_HI ^ QUOTE, 2654435761) ^ (to - from), 2654435761);
  let h2 = Math.imul(Math.imul(SEED_LO ^ QUOTE, 1597334677) ^ (to - from), 1597334677);
  let i = from;
  for (; i + 4 <= to; i += 4) {
    const w = (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24);
    h1 = Math.imul(h1 ^ w, 2654435761);
    h1 ^= h1 >>> 15;
    h2 = Math.imul(h2 ^ w, 1597334677);
    h2 ^= h2 >>> 15;
  }
  if (i < to) {
    let w = 0;
    for (let shift = 0; i < to; i += 1, shift += 8) w |= (b[i] ?? 0) << shift;
    h1 = Math.imul(h1 ^ w, 2654435761);
    h1 ^= h1 >>> 15;
    h2 = Math.imul(h2 ^ w, 1597334677);
    h2 ^= h2 >>> 15;
  }
  finish(h1, h2, out);
}

/** `keyDigest` of a number or a boolean, written into `out`. */
export function digestScalar(value: number | boolean, out: Digest): void {
  // Numbers and booleans are fed as words above 0xFFFF, which no string's first word (the
  // quote, or the unpaired tag) can be. Only numbers a double tells apart come here (`digestNumberText`), finite; two have the same JSON text
  // exactly when they are equal (-0 and 0 both print "0", and compare equal).
  let w0: number;
  let w1 = -1;
  let w2 = -1;
  if (typeof value === "boolean") w0 = value ? TAG_TRUE : TAG_FALSE;
  else if ((value | 0) === value) {
    w0 = TAG_INT32;
    w1 = value | 0;
  } else {
    F64[0] = value;
    w0 = TAG_FLOAT;
    w1 = U32[0] ?? 0;
    w2 = U32[1] ?? 0;
  }
  // A tag fixes how many words follow, so the word sequences cannot run into each other.
  let h1 = Math.imul(SEED_HI ^ w0, 2654435761);
  let h2 = Math.imul(SEED_LO ^ w0, 1597334677);
  if (w0 !== TAG_TRUE && w0 !== TAG_FALSE) {
    h1 = Math.imul(h1 ^ w1, 2654435761);
    h2 = Math.imul(h2 ^ w1, 1597334677);
  }
  if (w0 === TAG_FLOAT) {
    h1 = Math.imul(h1 ^ w2, 2654435761);
    h2 = Math.imul(h2 ^ w2, 1597334677);
  }
  finish(h1, h2, out);
}

/**
 * `keyDigest` of the number written as `text` in JSON, exactly: by its double where the double
 * tells it apart (`fitsDouble`, as the record fast path hashes every number it takes), else by
 * its exact decimal under a tag of its own, so 2^64 and 2^64 + 1 stay two keys, and 1e400 is
 * not the key 1e401 is.
 */
export function digestNumberText(text: string, out: Digest): void {
  const d = decimalOf(text);
  if (fitsDouble(d)) {
    digestScalar(Number(text), out);
    return;
  }
  const exact = decimalText(d);
  let h1 = Math.imul(SEED_HI ^ TAG_DECIMAL, 2654435761);
  let h2 = Math.imul(SEED_LO ^ TAG_DECIMAL, 1597334677);
  h1 = Math.imul(h1 ^ exact.length, 2654435761);
  h2 = Math.imul(h2 ^ exact.length, 1597334677);
  for (let i = 0; i < exact.length; i += 1) {
    const c = exact.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  finish(h1, h2, out);
}

function finish(a: number, b: number, out: Digest): void {
  let h1 = a;
  let h2 = b;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  out.hi = h1 >>> 0;
  out.lo = h2 >>> 0;
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
    /** Keys expected per field (the manifest's record count): sized up front, no regrowth. */
    expected = 0,
    /** Entries left to the whole packet, shared by every collection's index: its memory is bounded, not only each one's. */
    private readonly shared: { left: number } = { left: Number.POSITIVE_INFINITY },
  ) {
    // Capped by the budget, so a manifest that overstates its records cannot reserve more than
    // the index may hold anyway (and untouched table pages are never resident).
    const capacity = Math.max(0, Math.min(expected, budget));
    for (const f of indexedFields) this.sets.set(f, new DigestSet(capacity));
    for (const f of relationFields) this.pending.set(f, []);
  }

  /** Is there room for one more entry? Records the overflow line the first time there is not. */
  reserve(line: number): boolean {
    if (this.overflowAt !== null) return false;
    if (this.used >= this.budget || this.shared.left <= 0) {
      this.overflowAt = line;
      return false;
    }
    this.used += 1;
    this.shared.left -= 1;
    return true;
  }

  /** Entries the budget still has room for (0 once it ran out). */
  room(): number {
    return this.overflowAt === null ? Math.max(0, Math.min(this.budget - this.used, this.shared.left)) : 0;
  }

  /** Counts `n` entries stored without `reserve`, after `room` said they fit. */
  spent(n: number): void {
    this.used += n;
    this.shared.left -= n;
  }

  /** Adds a key; returns "duplicate", "added" or "not-checked" (budget spent). */
  add(field: string, digest: Digest, line: number): "added" | "duplicate" | "not-checked" {
    const set = this.sets.get(field);
    if (set === undefined) throw new Error(`field ${field} is not indexed`);
    return this.addTo(set, digest, line);
  }

  /** `add` for a set already looked up (the per-record loop holds them). */
  addTo(set: DigestSet, digest: Digest, line: number): "added" | "duplicate" | "not-checked" {
    const r = set.addWithin(digest, this, line);
    return r === "full" ? "not-checked" : r;
  }

  refer(field: string, ref: PendingRef): boolean {
    const list = this.pending.get(field);
    if (list === undefined) throw new Error(`field ${field} is not a relation`);
    if (!this.reserve(ref.line)) return false;
    list.push(ref);
    return true;
  }
}
