import { RUN_MARKS_WASM } from "./run-marks-wasm.ts";
import { grownTo, instantiate, LARGEST_RUN, type WasmMemory } from "./wasm.ts";

/** What `RunMarks.line` says of a line. */
export const LINE_PLAIN = 0;
export const LINE_NEEDLE = 1;
export const LINE_ODD = 2;

const BACKSLASH = 0x5c;
/** Bytes read past a range by the scan (it looks two ahead, sixteen at a time). */
const PAD = 32;

/** The module's exports (see the .wat). */
interface Scan {
  memory: WasmMemory;
  scan(p: number, len: number, out: number): number;
}

/** One instance per thread: the scan's memory holds a copy of the run, then the offsets found. */
const wasm = instantiate<Scan>(RUN_MARKS_WASM);

/**
 * The few places in a run of whole lines (bytes) that the record fast path must not take on
 * trust, found in one pass of a Wasm SIMD scan (wasm/run-marks.wat) over a copy of the run,
 * instead of a look at every byte of every line: "odd" (a backslash, which starts an escape the
 * fast path does not decode, or a control character, which JSON.parse refuses inside a string;
 * a CR right before the line break ends a CRLF line and is not odd) and "needle" (a secret
 * needle, `NEEDLES` in secrets.ts: the line may hold a secret, `jsonMayHoldSecret`).
 */
export class RunMarks {
  private odd: number[] = [];
  private needle: number[] = [];
  private o = 0;
  private n = 0;
  /** The run last marked was not looked at (see `mark`). */
  private unmarked = false;

  /** Marks `chunk[start, end)`; `chunk[end]`, if there is one, is the line break after the run's last line. */
  mark(chunk: Buffer, start: number, end: number): void {
    this.odd = [];
    this.needle = [];
    this.o = 0;
    this.n = 0;
    const len = end - start;
    // Too long to copy in (one line longer than any run): every line of it is odd, so the full
    // path checks it.
    this.unmarked = len > LARGEST_RUN;
    if (this.unmarked) return;
    // Memory: the run and its padding, then up to one offset (4 bytes) per byte of it.
    const out = (len + PAD + 3) & ~3;
    const need = out + len * 4;
    grownTo(wasm.memory, need);
    const bytes = new Uint8Array(wasm.memory.buffer);
    bytes.set(chunk.subarray(start, end), 0);
    bytes.fill(0, len, len + PAD);
    const found = wasm.scan(0, len, out);
    const at = new Uint32Array(wasm.memory.buffer, out, found);
    for (let k = 0; k < found; k += 1) {
      const i = start + (at[k] ?? 0);
      const c = chunk[i] ?? 0;
      if (c === BACKSLASH) this.odd.push(i);
      else if (c < 0x20) {
        if (!(c === 0x0d && chunk[i + 1] === 0x0a)) this.odd.push(i);
      } else this.needle.push(i);
    }
  }

  /** The line `[from, to)` of the run last marked; lines must be asked about in order. */
  line(from: number, to: number): number {
    if (this.unmarked) return LINE_ODD;
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
