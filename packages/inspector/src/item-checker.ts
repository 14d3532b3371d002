import type { PacketCollection, PacketSchema } from "@macro/ssot";
import { CollectionChecker, type BufferChange } from "./checker.ts";
import type { Finding } from "./findings.ts";
import { indexedFields, type KeyRecorder } from "./key-recorder.ts";
import { splitRegion, type RegionHandlers } from "./lines.ts";
import { heldLabel, type KeyBatch } from "./record-values.ts";

/**
 * Lines of one data file to check as a unit: a region of whole lines of a read, or one line
 * that spanned reads. Its bytes lie in shared memory, so a check worker can read them too.
 */
export interface CheckItem {
  seq: number;
  collection: string;
  kind: "region" | "line";
  /** Shared when a check worker may take the item; a plain buffer when only this thread checks. */
  buffer: SharedArrayBuffer | ArrayBuffer;
  start: number;
  end: number;
  /** The item's first line is the file's first (a byte order mark is accepted there only). */
  fileStart: boolean;
}

/** What checking an item found; lines (of findings and key records) count from 1 at the item's first line. */
export interface CheckResult {
  seq: number;
  lines: number;
  records: number;
  fastRecords: number;
  findings: Finding[];
  keys: KeyBatch;
}

/** What an item checker needs to know of the packet: the same on every thread. */
export interface CheckSetup {
  schema: PacketSchema;
  /** Per collection, the fields other collections reference (they join its key index). */
  referenced: Record<string, string[]>;
  fastPath: boolean;
  maxLineBytes: number;
}

/** Collection checkers kept at once (see `ItemChecker.checkerOf`). */
const KEEP = 4;

/** Makes the held record keys of scanned records text, so they no longer need their buffer. */
function detachLabels(batch: KeyBatch, from: number): void {
  for (let k = from; k < batch.count; k += 1) {
    if (batch.kind[k] === 0) continue;
    batch.texts.set(k, heldLabel(batch, k, batch.bytes));
    batch.kind[k] = 0;
  }
}

/**
 * Checks items, one at a time, on whichever thread it lives on (the main thread and each
 * check worker have one): every line's checks except the key checks, whose records it hands
 * back for the main thread to run in file order. So the report is the same whichever thread
 * checked which item.
 */
export class ItemChecker {
  private readonly findings: Finding[] = [];
  private readonly checkers = new Map<string, CollectionChecker>();
  private readonly collections: ReadonlyMap<string, PacketCollection>;
  private readonly drain: BufferChange;
  private readonly handlers = new Map<string, RegionHandlers>();
  /** Held records before this one already have their labels as text (see `detachLabels`). */
  private detached = 0;
  /**
   * Buffer's native searches run about three times slower on shared memory, and the checks
   * are mostly such searches: an item is copied out first (a memcpy) to the same offsets, so
   * record key places still point into the shared bytes the main thread reads them from.
   */
  private local = Buffer.allocUnsafe(0);

  constructor(private readonly setup: CheckSetup) {
    // Within an item only around a line checked on its own: the labels held so far become text.
    const drain: BufferChange = (keys) => {
      detachLabels(keys.batch, this.detached);
      this.detached = keys.batch.count;
    };
    this.drain = drain;
    this.collections = new Map(setup.schema.collections.map((c) => [c.name, c]));
    // Built before the first line where there are few (each rehearses its scan before any file
    // is read, see `CollectionChecker`); past KEEP, when first needed.
    for (const c of setup.schema.collections.slice(0, KEEP)) this.checkerOf(c.name);
  }

  /**
   * The checker of a collection, built when first needed; at most KEEP are kept (the least
   * recently used goes), as a checker holds a key batch of thousands of records: a packet of
   * thousands of collections would otherwise hold thousands of them. Files are read one after
   * the other, so a checker is dropped only once its file is done.
   */
  private checkerOf(name: string): CollectionChecker {
    let checker = this.checkers.get(name);
    if (checker !== undefined) {
      this.checkers.delete(name);
      this.checkers.set(name, checker);
      return checker;
    }
    const c = this.collections.get(name);
    if (c === undefined) throw new Error(`check item for unknown collection ${name}`);
    checker = new CollectionChecker(c, indexedFields(c, this.setup.referenced[c.name] ?? []), (f) => this.findings.push(f), this.drain, this.setup.fastPath);
    this.checkers.set(name, checker);
    this.handlers.delete(name);
    for (const old of this.checkers.keys()) {
      if (this.checkers.size <= KEEP) break;
      this.checkers.delete(old);
      this.handlers.delete(old);
    }
    return checker;
  }

  /** Checks an item; the answer is its own (the key records copied out), to be taken in later or on another thread. */
  check(item: CheckItem): CheckResult {
    const r = this.run(item);
    return { ...r.result, keys: r.keys.take() };
  }

  /**
   * Checks an item and hands the answer to `use` at once, its key records lent (valid during the
   * call only): for an item whose answer can be taken in right away, with nothing copied.
   */
  checkNow(item: CheckItem, use: (r: CheckResult) => void): void {
    const r = this.run(item);
    use({ ...r.result, keys: r.keys.batch });
    r.keys.clear();
  }

  private run(item: CheckItem): { result: Omit<CheckResult, "keys">; keys: KeyRecorder } {
    const checker = this.checkerOf(item.collection);
    checker.records = 0;
    checker.fastRecords = 0;
    checker.bomLine = item.fileStart ? 1 : 0;
    this.detached = 0;
    const bytes = item.buffer instanceof SharedArrayBuffer ? this.copied(item.buffer, item.start, item.end) : Buffer.from(item.buffer);
    let lines = 1;
    if (item.kind === "region") lines = splitRegion(bytes, item.start, item.end, 1, this.setup.maxLineBytes, this.handlersOf(item.collection, checker));
    else checker.line(bytes.subarray(item.start, item.end), 1);
    return { result: { seq: item.seq, lines, records: checker.records, fastRecords: checker.fastRecords, findings: this.findings.splice(0) }, keys: checker.keys };
  }

  /** `shared[start, end)` copied out to the same offsets of a buffer of this thread's (see `local`). */
  private copied(shared: SharedArrayBuffer, start: number, end: number): Buffer {
    const size = shared.byteLength;
    if (this.local.length < size) this.local = Buffer.allocUnsafe(Math.max(size, this.local.length * 2));
    const bytes = this.local.subarray(0, size);
    Buffer.from(shared).copy(bytes, start, start, end);
    return bytes;
  }

  /** Built once per collection: the same functions every item, so the JIT sees one call target. */
  private handlersOf(name: string, checker: CollectionChecker): RegionHandlers {
    let h = this.handlers.get(name);
    if (h === undefined) {
      const max = this.setup.maxLineBytes;
      h = {
        line: (b, n) => checker.line(b, n),
        run: (chunk, start, end, n, ascii) => checker.run(chunk, start, end, n, ascii, max),
        tooLong: (n, len) => checker.tooLong(n, len, max),
      };
      this.handlers.set(name, h);
    }
    return h;
  }
}
