import { RECORD_SCAN_WASM } from "./record-scan-wasm.ts";
import { instantiate, type WasmMemory } from "./wasm.ts";

/** The module's exports (see wasm/record-scan.wat). */
interface Exports {
  memory: WasmMemory;
  scan(layout: number, from: number, to: number): number;
}

/** One instance per thread; its memory holds the collections' layouts, then the run being checked. */
const wasm = instantiate<Exports>(RECORD_SCAN_WASM);
/** Below this: the hex table the module starts with. */
const LAYOUTS_FROM = 256;
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

/** What the scan needs of a collection's fields, as `RecordScan` keeps it. */
export interface ScanFields {
  pk: number;
  types: Uint8Array;
  /** Required and not the primary key. */
  required: Uint8Array;
  requiredCount: number;
  max: Int32Array;
  hasEnum: readonly boolean[];
  /** Per field, its enum's strings in their byte form. */
  enumBytes: readonly (readonly Buffer[])[];
  /** Per field, its name's bytes as a key; null: never the key of a fast-path record. */
  nameBytes: readonly (Buffer | null)[];
}

const align = (n: number, to: number): number => (n + to - 1) & -to;

/** Layouts written so far, by the fields they describe. */
const layouts = new Map<string, number>();

/**
 * Writes a collection's layout (see the .wat) where the memory is free; its offset, or -1 when
 * it does not fit below the run.
 */
function writeLayout(fields: ScanFields): number {
  const n = fields.types.length;
  let size = 48 + n * (32 + 4 * 5 + 8) + 8;
  for (let f = 0; f < n; f += 1) {
    size += align(fields.nameBytes[f]?.length ?? 0, 4);
    for (const e of fields.enumBytes[f] ?? []) size += 4 + align(e.length, 4);
  }
  const layout = align(free, 8);
  if (layout + size > DATA) return -1;
  const table = layout + 48;
  const order = table + n * 32;
  const seen = order + n * 4;
  const num = align(seen + n * 16, 8);
  let bytes = num + n * 8;
  const put = (b: Buffer): number => {
    const at = bytes;
    b.copy(mem, at);
    bytes += align(b.length, 4);
    return at;
  };
  i32.set([n, fields.pk, fields.requiredCount, 0, table, order, seen, seen + n * 4, seen + n * 8, seen + n * 12, num], layout / 4);
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
    const entry = [fields.types[f] ?? 0, fields.required[f] ?? 0, fields.max[f] ?? -1, fields.hasEnum[f] === true ? 1 : 0, enumAt, strings.length, nameAt, name === null ? -1 : name.length];
    i32.set(entry, (table + f * 32) / 4);
  }
  free = bytes;
  return layout;
}

/**
 * `RecordScan.scan` in Wasm (wasm/record-scan.wat), for the lines of a run loaded into the
 * module's memory: about three times as fast once compiled, and compiled before the first
 * line instead of after thousands of them. It answers true only where the JS scan would, with
 * the same values; false means "not sure", and the JS scan decides.
 */
export class WasmScan {
  private readonly n: number;
  /** Offsets (in 4- or 8-byte elements) of the layout's arrays. */
  private readonly seen: number;
  private readonly kind: number;
  private readonly start: number;
  private readonly end: number;
  private readonly num: number;
  private chunk: Buffer | null = null;
  private runFrom = 0;
  private runTo = 0;

  private constructor(
    private readonly layout: number,
    n: number,
  ) {
    this.n = n;
    this.seen = (layout + 48 + n * 36) / 4;
    this.kind = this.seen + n;
    this.start = this.kind + n;
    this.end = this.start + n;
    this.num = align((this.end + n) * 4, 8) / 8;
  }

  /**
   * The scan of a collection, or null when its layout does not fit in what is left (the JS scan
   * serves it alone). Collections of the same fields share a layout, so a process that inspects
   * packet after packet uses no more of the memory: a scan runs, and its values are read, before
   * another can start on this thread, and the order it keeps is only a guess.
   */
  static create(fields: ScanFields): WasmScan | null {
    if (fields.pk < 0) return null;
    const key = JSON.stringify([fields.pk, fields.requiredCount, [...fields.types], [...fields.required], [...fields.max], fields.hasEnum, fields.enumBytes.map((l) => l.map((b) => b.toString("hex"))), fields.nameBytes.map((b) => b?.toString("hex") ?? null)]);
    const n = fields.types.length;
    let layout = layouts.get(key);
    if (layout === undefined) {
      layout = writeLayout(fields);
      if (layout < 0) return null;
      layouts.set(key, layout);
    }
    return new WasmScan(layout, n);
  }

  /** Copies the run `chunk[start, end)` into the module's memory: its lines come next. */
  load(chunk: Buffer, start: number, end: number): void {
    const need = DATA + (end - start) + PAD;
    if (wasm.memory.buffer.byteLength < need) {
      wasm.memory.grow(Math.ceil((need - wasm.memory.buffer.byteLength) / 65536));
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

  /** The values of the record just scanned, into `RecordScan`'s arrays, its fields marked present with `no`. */
  values(seen: Int32Array, kind: Uint8Array, start: Int32Array, end: Int32Array, num: Float64Array, no: number): void {
    const scanNo = i32[this.layout / 4 + 3];
    const delta = this.runFrom - DATA;
    for (let f = 0; f < this.n; f += 1) {
      if (i32[this.seen + f] !== scanNo) continue;
      seen[f] = no;
      kind[f] = i32[this.kind + f] ?? 0;
      start[f] = (i32[this.start + f] ?? 0) + delta;
      end[f] = (i32[this.end + f] ?? 0) + delta;
      num[f] = f64[this.num + f] ?? 0;
    }
  }
}
