import { keySeeds } from "./keys.ts";
import { NEEDLES } from "./secrets.ts";
import { RECORD_SCAN_WASM } from "./record-scan-wasm.ts";
import type { ScanFields } from "./scan-fields.ts";
import { grownTo, instantiate, LARGEST_RUN, type WasmMemory } from "./wasm.ts";

/** The module's exports (see wasm/record-scan.wat). */
interface Exports {
  memory: WasmMemory;
  scanRun(layout: number, from: number, to: number, out: number, cap: number, delta: number, firstLine: number, maxLine: number): number;
  exceptions: { value: number };
}

/** One instance per thread; its memory holds the collections' layouts, then the run being checked. */
const wasm = instantiate<Exports>(RECORD_SCAN_WASM);
/** Where the key digest seeds go (two words; below them the memory is unused). */
const SEEDS = 256;
/** Layouts come after the seeds. */
const LAYOUTS_FROM = 264;
/** Layouts end where the lines' answers (`RunLines`) start. */
const OUT = 65536;
/** Room for the answers: thousands of lines a call, where a run holds a few hundred. */
const OUT_BYTES = 256 * 1024;
/** The run starts after the answers. */
const DATA = OUT + OUT_BYTES;
/** Bytes after a run the module may read (sixteen at a time). */
const PAD = 32;

let free = LAYOUTS_FROM;
/** The scan whose run the memory holds now: runs of one thread's collections take turns. */
let loaded: WasmScan | null = null;
let mem = Buffer.from(wasm.memory.buffer);
let i32 = new Int32Array(wasm.memory.buffer);

const align = (n: number, to: number): number => (n + to - 1) & -to;
/** A layout's header (see the .wat), rounded up. */
const HEADER = 64;

/** Layouts written so far, by the fields they describe. */
const layouts = new Map<string, number>();

/**
 * Writes a collection's layout (see the .wat) where the memory is free; its offset, or -1 when
 * it does not fit below the run.
 */
function writeLayout(fields: ScanFields): number {
  const n = fields.types.length;
  const d = fields.keyFields.length;
  let size = HEADER + n * (32 + 4 * 5 + 8) + 8 + d * 16;
  for (let f = 0; f < n; f += 1) {
    size += align(fields.nameBytes[f]?.length ?? 0, 4);
    for (const e of fields.enumBytes[f] ?? []) size += 4 + align(e.length, 4);
  }
  const layout = align(free, 8);
  if (layout + size > OUT) return -1;
  const table = layout + HEADER;
  const order = table + n * 32;
  const seen = order + n * 4;
  const num = align(seen + n * 16, 8);
  const keyList = num + n * 8;
  const keyOut = keyList + d * 4;
  let bytes = keyOut + d * 12;
  const put = (b: Buffer): number => {
    const at = bytes;
    b.copy(mem, at);
    bytes += align(b.length, 4);
    return at;
  };
  // A needle in a field name may be in every record: each then goes by the hint pattern.
  const nameNeedle = fields.names.some((name) => NEEDLES.some((needle) => name.includes(needle))) ? 1 : 0;
  i32.set([n, fields.pk, fields.requiredCount, 0, table, order, seen, seen + n * 4, seen + n * 8, seen + n * 12, num, d, keyList, keyOut, nameNeedle], layout / 4);
  i32.set(fields.keyFields, keyList / 4);
  i32.fill(-1, order / 4, order / 4 + n);
  i32.fill(0, seen / 4, seen / 4 + n * 4);
  for (let f = 0; f < n; f += 1) {
    const name = fields.nameBytes[f] ?? null;
    const nameAt = name === null ? 0 : put(name);
    const strings = fields.enumBytes[f] ?? [];
    const enumAt = bytes;
    for (const e of strings) {
      i32[bytes / 4] = e.length;
      bytes += 4;
      put(e);
    }
    const entry = [fields.types[f] ?? 0, fields.required[f] ?? 0, fields.max[f] ?? -1, fields.enumSet[f] === null ? 0 : 1, enumAt, strings.length, nameAt, name === null ? -1 : name.length];
    i32.set(entry, (table + f * 32) / 4);
  }
  free = bytes;
  return layout;
}

/** What `RunLines.mark` says of a line the scan took: no secret needle in it. */
export const LINE_PLAIN = 0;
/** A secret needle starts in one of its strings or field names: it may hold a secret (`jsonMayHoldSecret`). */
export const LINE_NEEDLE = 1;
/** A line the scan did not take, which the JS scan might: what is in it is for the JS side to find out. */
export const LINE_UNKNOWN = 3;
/** A line the scan refused where the JS scan would refuse it too (2 is not used): the full path decides. */
export const LINE_REFUSED = 4;

/**
 * What the Wasm scan answers for each line of a run (see `scanRun` in the .wat): views of the
 * module's memory, valid until its next call. Line `i` is `start[i]`..`end[i]` (before the line
 * break, a `\r` kept); `fast[i]` is 1 where the line is a fast-path record, and for those the
 * primary key's `kind`, `pkStart`, `pkEnd` and `num`, and `slots` key digests (`present`,
 * `digests` as hi/lo pairs, the collection's key fields a line) laid out as a `KeyBatch` lays them out, so they are copied a
 * stretch of lines at a time; `mark[i]` is LINE_PLAIN or LINE_NEEDLE for a fast line (its
 * strings were looked at with SIMD as they were scanned, so no JS looks at a plain line's
 * bytes); for the others LINE_UNKNOWN, or LINE_REFUSED when the JS scan would refuse the line
 * too (the refusal was not over what this scan leaves out: long numbers, datetimes of another
 * shape, enums on numbers and booleans, keys it cannot match).
 */
export interface RunLines {
  count: number;
  /** How many of the lines are listed in `exceptions`. */
  exceptionCount: number;
  start: Int32Array;
  end: Int32Array;
  fast: Uint8Array;
  mark: Uint8Array;
  kind: Uint8Array;
  pkStart: Int32Array;
  pkEnd: Int32Array;
  num: Float64Array;
  present: Uint8Array;
  digests: Uint32Array;
  /** Each line's number. */
  lineNo: Int32Array;
  /** The lines to look at one by one (not a plain fast record, or past the length limit), in order. */
  exceptions: Int32Array;
}

/** Bytes an answer takes in `RunLines`, with `keys` key fields. */
const perLine = (keys: number): number => 35 + 9 * keys;

/**
 * `RecordScan.scan` in Wasm (wasm/record-scan.wat), for every line of a run loaded into the
 * module's memory in one call: compiled before the first line instead of after thousands of
 * them, and no call from JS per line. It says "fast" only where the JS scan would answer true,
 * with the same values; otherwise the line is left to the JS side.
 */
export class WasmScan {
  /** Lines answered per call at most: as many as `RunLines` has room for. */
  private readonly cap: number;
  private chunk: Buffer | null = null;
  private runFrom = 0;
  private runTo = 0;
  private lines: RunLines | null = null;

  private constructor(
    private readonly layout: number,
    private readonly keys: number,
  ) {
    this.cap = Math.floor(OUT_BYTES / perLine(keys)) & ~7;
  }

  /**
   * The scan of a collection, or null when its layout does not fit in what is left (the JS scan
   * serves it alone). Collections of the same fields share a layout, so a process that inspects
   * packet after packet uses no more of the memory: a run is scanned, and its answers read,
   * before another can start on this thread, and the order it keeps is only a guess.
   */
  static create(fields: ScanFields): WasmScan | null {
    // Eight lines a call at the least (the answers' arrays stay aligned).
    if (fields.pk < 0 || perLine(fields.keyFields.length) * 8 > OUT_BYTES) return null;
    const key = JSON.stringify([
      fields.pk,
      fields.requiredCount,
      [...fields.types],
      [...fields.required],
      [...fields.max],
      fields.enumSet.map((e) => e !== null),
      fields.enumBytes.map((l) => l.map((b) => b.toString("hex"))),
      fields.nameBytes.map((b) => b?.toString("hex") ?? null),
      fields.keyFields,
    ]);
    // A check worker takes its seeds after this module loads, and before it makes its scans.
    const [hi, lo] = keySeeds();
    i32[SEEDS / 4] = hi;
    i32[SEEDS / 4 + 1] = lo;
    let layout = layouts.get(key);
    if (layout === undefined) {
      layout = writeLayout(fields);
      if (layout < 0) return null;
      layouts.set(key, layout);
    }
    return new WasmScan(layout, fields.keyFields.length);
  }

  /**
   * Copies the run `chunk[start, end)` into the module's memory, for `scanRun`; false when it is
   * longer than LARGEST_RUN (one line longer than any run), which is left to the JS side.
   */
  load(chunk: Buffer, start: number, end: number): boolean {
    loaded = null;
    if (end - start > LARGEST_RUN) return false;
    const need = DATA + (end - start) + PAD;
    if (grownTo(wasm.memory, need)) {
      mem = Buffer.from(wasm.memory.buffer);
      i32 = new Int32Array(wasm.memory.buffer);
    }
    chunk.copy(mem, DATA, start, end);
    mem.fill(0, DATA + end - start, need);
    this.chunk = chunk;
    this.runFrom = start;
    this.runTo = end;
    loaded = this;
    return true;
  }

  /**
   * The answers for the lines of the run loaded from `from` (the start of one of its lines) on,
   * numbered from `firstLine`, lines past `maxLine` bytes listed as exceptions: as many as fit,
   * so a run of more lines is scanned in several calls, each from the line after the last one
   * answered.
   */
  scanRun(chunk: Buffer, from: number, firstLine: number, maxLine: number): RunLines {
    if (loaded !== this || chunk !== this.chunk || from < this.runFrom || from > this.runTo) throw new Error("scanRun outside the run loaded");
    const delta = this.runFrom - DATA;
    const lines = this.views();
    // Past 2^31 - 1 every line is within the limit (a run is at most LARGEST_RUN).
    lines.count = wasm.scanRun(this.layout, from - delta, this.runTo - delta, OUT, this.cap, delta, firstLine, Math.min(maxLine, 0x7fffffff));
    lines.exceptionCount = wasm.exceptions.value;
    return lines;
  }

  /** The views of `RunLines`, made anew when the memory grew. */
  private views(): RunLines {
    const buffer = wasm.memory.buffer;
    if (this.lines !== null && this.lines.start.buffer === buffer) return this.lines;
    const cap = this.cap;
    const d = this.keys;
    this.lines = {
      count: 0,
      exceptionCount: 0,
      start: new Int32Array(buffer, OUT, cap),
      end: new Int32Array(buffer, OUT + 4 * cap, cap),
      pkStart: new Int32Array(buffer, OUT + 8 * cap, cap),
      pkEnd: new Int32Array(buffer, OUT + 12 * cap, cap),
      num: new Float64Array(buffer, OUT + 16 * cap, cap),
      fast: new Uint8Array(buffer, OUT + 24 * cap, cap),
      mark: new Uint8Array(buffer, OUT + 25 * cap, cap),
      kind: new Uint8Array(buffer, OUT + 26 * cap, cap),
      present: new Uint8Array(buffer, OUT + 27 * cap, cap * d),
      digests: new Uint32Array(buffer, OUT + 27 * cap + cap * d, cap * d * 2),
      lineNo: new Int32Array(buffer, OUT + 27 * cap + 9 * cap * d, cap),
      exceptions: new Int32Array(buffer, OUT + 31 * cap + 9 * cap * d, cap),
    };
    return this.lines;
  }
}
