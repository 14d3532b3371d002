import { NEEDLES } from "./secrets.ts";

const BACKSLASH = 0x5c;
const NEEDLE_BYTES = NEEDLES.map((n) => Buffer.from(n, "latin1"));
// Four bytes at a time: a word has a byte below 0x20 exactly when this is non-zero
// ("hasless", Bit Twiddling Hacks): exact as a yes/no, whatever the other bytes are.
const ONES_X20 = 0x20202020;
const HIGH_BITS = 0x80808080 | 0;

/** A control character JSON.parse refuses inside a string; a CR right before the line break ends a CRLF line. */
const isControl = (chunk: Buffer, i: number): boolean => {
  const c = chunk[i] ?? 0;
  return c < 0x20 && c !== 0x0a && !(c === 0x0d && chunk[i + 1] === 0x0a);
};

/** What `RunMarks.line` says of a line. */
export const LINE_PLAIN = 0;
export const LINE_NEEDLE = 1;
export const LINE_ODD = 2;

/**
 * The few places in a run of whole lines (bytes) that the record fast path must not take on
 * trust, found with a handful of native searches over the run instead of a look at every byte
 * of every line: "odd" (a backslash, which starts an escape the fast path does not decode, or a
 * control character, which JSON.parse refuses inside a string) and "needle" (a secret needle:
 * the line may hold a secret, `jsonMayHoldSecret`).
 */
export class RunMarks {
  private odd: number[] = [];
  private needle: number[] = [];
  private o = 0;
  private n = 0;

  /** Marks `chunk[start, end)`; `chunk[end]`, if there is one, is the line break after the run's last line. */
  mark(chunk: Buffer, start: number, end: number): void {
    this.odd = [];
    this.needle = [];
    this.o = 0;
    this.n = 0;
    find(chunk, BACKSLASH, start, end, this.odd);
    const fromBackslash = this.odd.length;
    controls(chunk, start, end, this.odd);
    if (fromBackslash > 0 && this.odd.length > fromBackslash) this.odd.sort((a, b) => a - b);
    let sources = 0;
    for (const n of NEEDLE_BYTES) {
      const before = this.needle.length;
      find(chunk, n, start, end, this.needle);
      if (this.needle.length > before) sources += 1;
    }
    if (sources > 1) this.needle.sort((a, b) => a - b);
  }

  /** The line `[from, to)` of the run last marked; lines must be asked about in order. */
  line(from: number, to: number): number {
    let o = this.o;
    while (o < this.odd.length && (this.odd[o] ?? 0) < from) o += 1;
    this.o = o;
    if (o < this.odd.length && (this.odd[o] ?? 0) < to) return LINE_ODD;
    let n = this.n;
    while (n < this.needle.length && (this.needle[n] ?? 0) < from) n += 1;
    this.n = n;
    return n < this.needle.length && (this.needle[n] ?? 0) < to ? LINE_NEEDLE : LINE_PLAIN;
  }
}

/**
 * Each place in `chunk[start, end)` where `what` starts. Searched in a view that ends at `end`:
 * a run is a slice of a 1 MiB chunk, and a search that ran on to the chunk's end looked at
 * ~16 times the bytes. A match cannot usefully cross `end`, which is a line break.
 */
function find(chunk: Buffer, what: number | Buffer, start: number, end: number, into: number[]): void {
  const view = chunk.subarray(start, end);
  let at = 0;
  for (;;) {
    const hit = view.indexOf(what, at);
    if (hit === -1) return;
    into.push(start + hit);
    at = hit + 1;
  }
}

/** Each control character in `chunk[start, end)` (see `isControl`), looked for sixteen bytes at a time. */
function controls(chunk: Buffer, start: number, end: number, into: number[]): void {
  let i = start;
  while (i < end && ((chunk.byteOffset + i) & 3) !== 0) {
    if (isControl(chunk, i)) into.push(i);
    i += 1;
  }
  const words = (end - i) >>> 2;
  const w = words === 0 ? new Int32Array(0) : new Int32Array(chunk.buffer, chunk.byteOffset + i, words);
  let k = 0;
  for (; k + 3 < words; k += 4) {
    const a = w[k] ?? 0;
    const b = w[k + 1] ?? 0;
    const c = w[k + 2] ?? 0;
    const d = w[k + 3] ?? 0;
    if (((((a - ONES_X20) & ~a) | ((b - ONES_X20) & ~b) | ((c - ONES_X20) & ~c) | ((d - ONES_X20) & ~d)) & HIGH_BITS) !== 0) {
      for (let j = i + k * 4; j < i + k * 4 + 16; j += 1) if (isControl(chunk, j)) into.push(j);
    }
  }
  for (let j = i + k * 4; j < end; j += 1) if (isControl(chunk, j)) into.push(j);
}
