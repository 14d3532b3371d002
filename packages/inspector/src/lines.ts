import { isAscii, isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";

export interface LineHandlers {
  /** `bytes` is only valid during the call: it may be a view into the read buffer. */
  line(bytes: Buffer, lineNo: number): void;
  /**
   * When given, lines known to be valid UTF-8 arrive here as `chunk[start, end)` (a trailing
   * `\r` kept, as `line` would get it; valid only during the call), so a file is validated in
   * large runs instead of line by line and no line is copied; `ascii` when the run is all ASCII.
   * Lines that are not valid UTF-8, and lines split across reads, still go to `line`.
   */
  valid?(chunk: Buffer, start: number, end: number, lineNo: number, ascii: boolean): void;
  /** Called with each run of whole lines before its lines go to `valid`; `chunk[end]` is the run's last line break. */
  run?(chunk: Buffer, start: number, end: number, ascii: boolean): void;
  /** The line was longer than the limit; it was skipped without being held in memory. */
  tooLong(lineNo: number, bytes: number): void;
  /** The lines of a read are all handed out: views into it are about to go stale. */
  chunkDone?(): void;
}

export interface StreamTotals {
  sha256: string;
  bytes: number;
  lines: number;
}

// Lines go to `valid` in runs of at most this many bytes (see splitLines).
const RUN_BYTES = 64 * 1024;
// Below this a region that failed UTF-8 validation is taken line by line rather than halved again.
const SMALL_REGION = 4096;

/**
 * Reads a file in chunks of `size` bytes into two buffers used in turn: while one chunk is
 * handed out, the next is already being read (by libuv's thread pool, so the copy out of the
 * page cache runs beside the checks). A chunk is valid only until the next one is asked for,
 * which `splitLines` respects: it copies what it keeps past a chunk.
 */
export async function* readChunks(fh: FileHandle, size: number): AsyncGenerator<Buffer> {
  let filling = Buffer.allocUnsafe(size);
  let spare = Buffer.allocUnsafe(size);
  let next: Promise<{ bytesRead: number }> | null = fh.read(filling, 0, size, null);
  try {
    for (;;) {
      const { bytesRead } = await next;
      next = null;
      if (bytesRead === 0) return;
      const chunk = filling;
      filling = spare;
      spare = chunk;
      next = fh.read(filling, 0, size, null);
      yield chunk.subarray(0, bytesRead);
    }
  } finally {
    // A read still in flight when the consumer stops must end before the file is closed.
    await next?.catch(() => undefined);
  }
}

/**
 * One pass over a byte stream: hashes and counts every byte and splits lines on `\n`
 * itself, so a line longer than `maxLineBytes` is dropped piece by piece instead of being
 * assembled (readline would buffer it whole). A final line without `\n` still counts.
 */
export async function splitLines(stream: AsyncIterable<unknown>, maxLineBytes: number, on: LineHandlers): Promise<StreamTotals> {
  const hash = createHash("sha256");
  let bytes = 0;
  let lineNo = 0;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let skipping = false;
  let lineLen = 0;
  let open = false;

  const finish = (): void => {
    lineNo += 1;
    if (skipping) on.tooLong(lineNo, lineLen);
    else on.line(pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingLen), lineNo);
    pending = [];
    pendingLen = 0;
    skipping = false;
    lineLen = 0;
    open = false;
  };
  /** A piece of a line that may continue in the next read; `copy` when it must outlive the read buffer. */
  const take = (seg: Buffer, copy: boolean): void => {
    open = true;
    lineLen += seg.length;
    if (skipping) return;
    if (pendingLen + seg.length > maxLineBytes) {
      skipping = true;
      pending = [];
      pendingLen = 0;
      return;
    }
    if (seg.length > 0) {
      pending.push(copy ? Buffer.from(seg) : seg);
      pendingLen += seg.length;
    }
  };

  /** Whole lines, one by one, as views into the read buffer. */
  const byLine = (chunk: Buffer, start: number, end: number): void => {
    let pos = start;
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      const stop = nl === -1 || nl > end ? end : nl;
      const len = stop - pos;
      lineNo += 1;
      if (len > maxLineBytes) on.tooLong(lineNo, len);
      else on.line(chunk.subarray(pos, stop), lineNo);
      if (stop === end) return;
      pos = stop + 1;
    }
  };

  /** Whole lines, validated in one go when the region is valid UTF-8 (the common case). */
  const byRegion = (valid: NonNullable<LineHandlers["valid"]>, chunk: Buffer, start: number, end: number): void => {
    const region = chunk.subarray(start, end);
    const ascii = isAscii(region);
    if (!ascii && !isUtf8(region)) {
      // Halve around a line break, so one bad line does not slow the lines around it.
      const mid = end - start > SMALL_REGION ? chunk.indexOf(10, start + ((end - start) >>> 1)) : -1;
      if (mid === -1 || mid >= end) {
        byLine(chunk, start, end);
      } else {
        byRegion(valid, chunk, start, mid);
        byRegion(valid, chunk, mid + 1, end);
      }
      return;
    }
    on.run?.(chunk, start, end, ascii);
    let pos = start;
    for (;;) {
      const nl = chunk.indexOf(10, pos);
      const stop = nl === -1 || nl > end ? end : nl;
      lineNo += 1;
      if (stop - pos > maxLineBytes) on.tooLong(lineNo, stop - pos);
      else valid(chunk, pos, stop, lineNo, ascii);
      if (stop === end) return;
      pos = stop + 1;
    }
  };

  for await (const chunk of stream) {
    if (!Buffer.isBuffer(chunk)) throw new TypeError("splitLines needs a byte stream");
    hash.update(chunk);
    bytes += chunk.length;
    let pos = 0;
    if (open) {
      // The line carried over from the previous read ends in this one (or goes on past it).
      const nl = chunk.indexOf(10);
      if (nl === -1) {
        take(chunk, true);
        continue;
      }
      take(chunk.subarray(0, nl), false);
      finish();
      pos = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last >= pos) {
      // chunk[pos, last) holds whole lines only.
      if (on.valid === undefined) byLine(chunk, pos, last);
      else {
        // In runs of at most RUN_BYTES (a longer line is a run of its own), so the text a run is
        // decoded to stays a young, short-lived string instead of a large object that lingers.
        for (let from = pos; from <= last; ) {
          let to = last;
          if (last - from > RUN_BYTES) {
            const back = chunk.lastIndexOf(10, from + RUN_BYTES);
            to = back >= from ? back : chunk.indexOf(10, from + RUN_BYTES);
          }
          byRegion(on.valid, chunk, from, to);
          from = to + 1;
        }
      }
      pos = last + 1;
    }
    // The tail may be kept past this chunk, so it is copied out of the read buffer.
    if (pos < chunk.length) take(chunk.subarray(pos), true);
    on.chunkDone?.();
  }
  if (open) finish();
  return { sha256: hash.digest("hex"), bytes, lines: lineNo };
}
