import { keySeeds } from "./keys.ts";
import { RECORD_SCAN_WASM } from "./record-scan-wasm.ts";
import type { KeyBatch } from "./record-values.ts";
import type { ScanFields } from "./scan-fields.ts";
import { grownTo, instantiate, LARGEST_RUN, type WasmMemory } from "./wasm.ts";

/** The module's exports (see wasm/record-scan.wat). */
interface Exports {
  memory: WasmMemory;
  scan(layout: number, from: number, to: number): number;
}

/** One instance per thread; its memory holds the collections' layouts, then the run being checked. */
const wasm = instantiate<Exports>(RECORD_SCAN_WASM);
/** Where the key digest seeds go (two words; below them the memory is unused). */
const SEEDS = 256;
/** Layouts come after the seeds. */
const LAYOUTS_FROM = 264;
/** Layouts end where the run starts. */
const DATA = 65536;
/** Bytes after a run the module may read (sixteen at a time). */
const PAD = 32;

let free = LAYOUTS_FROM;
/** The scan whose run the memory holds now: runs of one thread's collections take turns. */
let loaded: WasmScan | null = null;
let mem = Buffer.from(wasm.memory.buffer);
let i32 = new Int32Array(wasm.memory.buffer);
let f64 = new Float64Array(wasm.memory.buffer);

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
  if (layout + size > DATA) return -1;
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
  i32.set([n, fields.pk, fields.requiredCount, 0, table, order, seen, seen + n * 4, seen + n * 8, seen + n * 12, num, d, keyList, keyOut], layout / 4);
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

/**
 * `RecordScan.scan` in Wasm (wasm/record-scan.wat), for the lines of a run loaded into the
 * module's memory: compiled before the first line instead of after thousands of them, and
 * somewhat faster than the JS scan once both are compiled. It answers true only where the JS scan would, with
 * the same values; false means "not sure", and the JS scan decides.
 */
export class WasmScan {
  /** Offsets (in 4- or 8-byte elements) of the primary key's kind, start, end and number, and of the key digests. */
  private readonly kind: number;
  private readonly start: number;
  private readonly end: number;
  private readonly num: number;
  private readonly keyOut: number;
  private readonly keys: number;
  private chunk: Buffer | null = null;
  private runFrom = 0;
  private runTo = 0;

  private constructor(
    private readonly layout: number,
    pk: number,
  ) {
    const at = layout / 4;
    this.kind = (i32[at + 7] ?? 0) / 4 + pk;
    this.start = (i32[at + 8] ?? 0) / 4 + pk;
    this.end = (i32[at + 9] ?? 0) / 4 + pk;
    this.num = (i32[at + 10] ?? 0) / 8 + pk;
    this.keys = i32[at + 11] ?? 0;
    this.keyOut = (i32[at + 13] ?? 0) / 4;
  }

  /**
   * The scan of a collection, or null when its layout does not fit in what is left (the JS scan
   * serves it alone). Collections of the same fields share a layout, so a process that inspects
   * packet after packet uses no more of the memory: a scan runs, and its values are read, before
   * another can start on this thread, and the order it keeps is only a guess.
   */
  static create(fields: ScanFields): WasmScan | null {
    if (fields.pk < 0) return null;
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
    return new WasmScan(layout, fields.pk);
  }

  /** Copies the run `chunk[start, end)` into the module's memory: its lines come next (a run past LARGEST_RUN, to the JS scan). */
  load(chunk: Buffer, start: number, end: number): void {
    if (end - start > LARGEST_RUN) {
      loaded = null;
      return;
    }
    const need = DATA + (end - start) + PAD;
    if (grownTo(wasm.memory, need)) {
      mem = Buffer.from(wasm.memory.buffer);
      i32 = new Int32Array(wasm.memory.buffer);
      f64 = new Float64Array(wasm.memory.buffer);
    }
    chunk.copy(mem, DATA, start, end);
    mem.fill(0, DATA + end - start, need);
    this.chunk = chunk;
    this.runFrom = start;
    this.runTo = end;
    loaded = this;
  }

  /** True: the line `b[from, to)` of the run loaded is a fast-path record (see `RecordScan.scan`); false: not sure. */
  scan(b: Buffer, from: number, to: number): boolean {
    if (loaded !== this || b !== this.chunk || from < this.runFrom || to > this.runTo) return false;
    const delta = this.runFrom - DATA;
    return wasm.scan(this.layout, from - delta, to - delta) === 1;
  }

  /**
   * What `KeyRecorder.addScanned` takes down of the record just scanned, as record `k` of `batch`:
   * where its primary key lies and what kind it is, and the key digests the scan made.
   */
  keysInto(batch: KeyBatch, k: number): void {
    const delta = this.runFrom - DATA;
    batch.kind[k] = i32[this.kind] ?? 0;
    batch.start[k] = (i32[this.start] ?? 0) + delta;
    batch.end[k] = (i32[this.end] ?? 0) + delta;
    batch.num[k] = f64[this.num] ?? 0;
    const { present, digests } = batch;
    for (let d = 0, s = k * batch.slots, o = this.keyOut; d < this.keys; d += 1, s += 1, o += 3) {
      const has = i32[o] ?? 0;
      present[s] = has;
      if (has === 0) continue;
      digests[s * 2] = i32[o + 1] ?? 0;
      digests[s * 2 + 1] = i32[o + 2] ?? 0;
    }
  }
}
