import { closeSync, constants, fstatSync, openSync, read, readSync } from "node:fs";
import { err, ok, type PacketCollection, type Result } from "@macro/ssot";
import type { CheckPool } from "./check-pool.ts";
import { tooLongFinding } from "./checker.ts";
import { PacketInputCode, PacketInputError } from "./errors.ts";
import { finding, type Finding } from "./findings.ts";
import { KeyChecks } from "./key-checks.ts";
import { indexedFields } from "./key-recorder.ts";
import { KeyIndex } from "./keys.ts";
import type { CheckItem, CheckResult, ItemChecker } from "./item-checker.ts";
import { splitStream, type StreamTotals } from "./lines.ts";
import type { PlannedFile } from "./preflight.ts";

const READ_BYTES = 1024 * 1024;
const ITEM_BYTES = 256 * 1024;
/** Reads held at once: the one being split, the one read ahead, and those whose items are still out. */
const SLOTS = 6;

/** What the main thread keeps of one collection: its counts and its key index, whoever checks its lines. */
export class CollectionState {
  records = 0;
  /** Of `records`, those the fast path took. */
  fastRecords = 0;
  /** Relation fields with references that could not be kept (index budget spent). */
  readonly unresolved = new Set<string>();
  readonly index: KeyIndex;
  readonly keyChecks: KeyChecks;

  constructor(
    readonly collection: PacketCollection,
    referenced: Iterable<string>,
    maxKeys: number,
    sink: (f: Finding) => void,
    /** Records the manifest announces: the key index is sized for them up front. */
    expectedRecords: number,
    /** Key index entries left to the whole packet (see `KeyIndex`). */
    shared?: { left: number },
  ) {
    this.index = new KeyIndex(indexedFields(collection, referenced), (collection.relations ?? []).map((r) => r.field), maxKeys, expectedRecords, shared);
    this.keyChecks = new KeyChecks(collection, this.index, this.unresolved, sink);
  }
}

/** The reads of one inspection, reused file after file (every item of a file is taken in before the next is read). */
export function readSlots(shared: boolean): Slot[] {
  return Array.from({ length: SLOTS }, () => {
    const buffer = shared ? new SharedArrayBuffer(READ_BYTES) : new ArrayBuffer(READ_BYTES);
    return { buffer, view: Buffer.from(buffer), free: Promise.resolve() };
  });
}

export interface ScanOptions {
  maxLineBytes: number;
  slots: Slot[];
  /** Checks items on this thread: whenever no check worker can take one, and always without a pool. */
  local: ItemChecker;
  /** Check workers, or null. */
  pool: CheckPool | null;
  /** Numbers the items of one inspection. */
  seq: { n: number };
}

/** Reads one data file once: its integrity, then every line's checks; returns the bytes read. */
export async function scanFile(file: PlannedFile, state: CollectionState, opts: ScanOptions, add: (f: Finding) => void): Promise<Result<number, PacketInputError>> {
  // O_NOFOLLOW + identity check: the file read is the one preflight inspected, not a swap.
  // Opening, the identity check and closing are synchronous: each is a syscall of microseconds,
  // where an async call waits for a threadpool thread, which on a busy two-core machine (the
  // JIT's and the GC's threads) took up to 10 ms.
  let fd: number;
  try {
    fd = openSync(file.absPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (cause) {
    return err(new PacketInputError(PacketInputCode.link, "could not be opened without following links", { file: file.relPath, cause }));
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.dev !== file.dev || st.ino !== file.ino || st.nlink > 1) {
      return err(new PacketInputError(PacketInputCode.link, "file changed between checks and read", { file: file.relPath }));
    }
    const totals = await checkItems(fd, state, opts, add);
    const where = { collection: file.collection };
    if (totals.sha256 !== file.expected.sha256) add(finding("INTEGRITY_SHA256", where, "sha256 of the data file does not match the manifest"));
    if (totals.bytes !== file.expected.bytes) {
      add(finding("INTEGRITY_BYTES", where, `file has ${totals.bytes} bytes, manifest says ${file.expected.bytes}`));
    }
    if (state.records !== file.expected.records) {
      add(finding("INTEGRITY_COUNT", where, `file has ${state.records} records, manifest says ${file.expected.records}`));
    }
    return ok(totals.bytes);
  } finally {
    closeSync(fd);
  }
}

/**
 * The next READ_BYTES of `fd` into `view`, on the threadpool, so the read runs while this thread
 * checks the chunk before it; how many bytes came.
 */
function readInto(fd: number, view: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, view, 0, READ_BYTES, null, (e, n) => (e === null ? resolve(n) : reject(e)));
  });
}

export interface Slot {
  /** Shared only when check workers may read it: Buffer's searches run slower on shared memory. */
  buffer: SharedArrayBuffer | ArrayBuffer;
  view: Buffer;
  /** Settles once every item read into this slot has been taken in: then it may be read into again. */
  free: Promise<void>;
}

/**
 * The file read into shared memory and split into items (regions of whole lines, and lines
 * that spanned reads), each checked by a worker when one is free, else here; the answers are
 * taken in strictly in file order (findings renumbered, key checks run), so the report cannot
 * tell which thread checked what. Reads run ahead into a ring of slots, each reused only once
 * everything read into it has been taken in.
 */
async function checkItems(fd: number, state: CollectionState, opts: ScanOptions, add: (f: Finding) => void): Promise<StreamTotals> {
  const { pool, local, seq, slots, maxLineBytes: max } = opts;
  const name = state.collection.name;
  let slot = slots[0] as Slot;
  let base = 0;
  let fileStart = true;
  let taken: Promise<void> = Promise.resolve();
  /** Steps queued on `taken` and not yet run: none, and an answer may be taken in at once. */
  let queued = 0;
  const after = (step: () => void | Promise<void>): void => {
    queued += 1;
    taken = taken.then(step).finally(() => {
      queued -= 1;
    });
    // Marked handled here; the failure itself is awaited (and thrown) below.
    taken.catch(() => undefined);
  };
  const takeIn = (r: CheckResult, view: Buffer): void => {
    for (const f of r.findings) {
      if (f.line !== null) f.line += base;
      add(f);
    }
    state.records += r.records;
    state.fastRecords += r.fastRecords;
    state.keyChecks.apply(r.keys, base, view);
    base += r.lines;
  };
  const check = (item: CheckItem, view: Buffer): void => {
    const offered = pool?.offer(item) ?? null;
    if (offered !== null) after(async () => takeIn(await offered, view));
    // Nothing ahead of it: taken in at once, its key records lent rather than copied.
    else if (queued === 0) local.checkNow(item, (r) => takeIn(r, view));
    else {
      const r = local.check(item);
      after(() => takeIn(r, view));
    }
  };

  async function* reads(): AsyncGenerator<Buffer> {
    // `here`: a read with nothing to overlap, a file's first and the one after a short read (the
    // end of the file, unless it grew), which returns at once; this thread makes it, where on the
    // threadpool each waited 1–7 ms for a thread on two busy cores. The rest run ahead there.
    const fill = async (s: Slot, here: boolean): Promise<number> => {
      await s.free;
      return here ? readSync(fd, s.view, 0, READ_BYTES, null) : readInto(fd, s.view);
    };
    let i = 0;
    let next = fill(slots[0] as Slot, true);
    try {
      for (;;) {
        const n = await next;
        if (n === 0) return;
        slot = slots[i % slots.length] as Slot;
        i += 1;
        // The next read starts now, into the next slot once it is free, while this one is split.
        next = fill(slots[i % slots.length] as Slot, n < READ_BYTES);
        yield slot.view.subarray(0, n);
      }
    } finally {
      await next.catch(() => undefined);
    }
  }

  try {
    const totals = await splitStream(reads(), max, {
      region(chunk, start, end) {
        // In items of about ITEM_BYTES: while this thread checks one itself, the workers wait
        // for their next item only that long.
        for (let from = start; from <= end; ) {
          let to = end;
          if (end - from > ITEM_BYTES) {
            const nl = chunk.indexOf(10, from + ITEM_BYTES);
            to = nl === -1 || nl > end ? end : nl;
          }
          check({ seq: (seq.n += 1), collection: name, kind: "region", buffer: slot.buffer, start: from, end: to, fileStart }, slot.view);
          fileStart = false;
          from = to + 1;
        }
      },
      joined(bytes) {
        const buffer = pool === null ? bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) : new SharedArrayBuffer(bytes.length);
        const view = Buffer.from(buffer);
        if (pool !== null) bytes.copy(view);
        check({ seq: (seq.n += 1), collection: name, kind: "line", buffer, start: 0, end: bytes.length, fileStart }, view);
        fileStart = false;
      },
      skipped(len) {
        fileStart = false;
        after(() => {
          base += 1;
          state.records += 1;
          add(tooLongFinding(name, base, len, max));
        });
      },
      chunkDone() {
        slot.free = taken;
      },
    });
    await taken;
    return totals;
  } finally {
    await taken.catch(() => undefined);
  }
}
