import { isAscii, isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";

export interface LineHandlers {
  /** `bytes` is only valid during the call: it may be a view into the read buffer. */
  line(bytes: Buffer, lineNo: number): void;
  /**
   * When given, runs of whole lines known to be valid UTF-8 arrive here as `chunk[start, end)`
   * (valid only during the call; `chunk[end]`, if there is one, is the break after the run's
   * last line), numbered from `firstLine`; `ascii` when the run is all ASCII. So a file is
   * validated in large runs instead of line by line, and no line is copied. The handler takes
   * every line of the run (as `eachLine` splits it: a trailing `\r` kept, as `line` would get
   * it), those past the length limit too, and returns how many there were. Lines that are not
   * valid UTF-8, and lines split across reads, still go to `line`.
   */
  run?(chunk: Buffer, start: number, end: number, firstLine: number, ascii: boolean): number;
  /** The line was longer than the limit; it was skipped without being held in memory. */
  tooLong(lineNo: number, bytes: number): void;
}

export interface StreamTotals {
  sha256: string;
  bytes: number;
}

// Lines go to `run` in runs of at most this many bytes (see splitRegion).
const RUN_BYTES = 64 * 1024;
// Below this a region that failed UTF-8 validation is taken line by line rather than halved again.
const SMALL_REGION = 4096;

/** What `splitRegion` hands out: a region's lines, numbered from the line number it is given. */
export type RegionHandlers = Pick<LineHandlers, "line" | "run" | "tooLong">;

/**
 * The lines of `chunk[start, end)` (whole lines; `chunk[end]`, if there is one, is the break
 * after the last), numbered from `firstLine`, handed to `on`: validated in runs of at most
 * RUN_BYTES when `on.run` is given, else line by line. Returns how many lines there were.
 */
export function splitRegion(chunk: Buffer, start: number, end: number, firstLine: number, maxLineBytes: number, on: RegionHandlers): number {
  const at = { lineNo: firstLine - 1, maxLineBytes, on };
  const run = on.run;
  if (run === undefined) byLine(at, chunk, start, end);
  else {
    // In runs of at most RUN_BYTES (a longer line is a run of its own), so what a run is
    // checked against stays small and short-lived.
    for (let from = start; from <= end; ) {
      let to = end;
      if (end - from > RUN_BYTES) {
        const back = chunk.lastIndexOf(10, from + RUN_BYTES);
        to = back >= from ? back : chunk.indexOf(10, from + RUN_BYTES);
      }
      byRun(at, run, chunk, from, to);
      from = to + 1;
    }
  }
  return at.lineNo - firstLine + 1;
}

/**
 * Calls `visit` with each line of `chunk[from, to)` (whole lines; `chunk[to]`, if there is one,
 * is the break after the last), as `[start, stop)` without its line break and its number in the
 * run from 0; returns how many lines there were (at least one: an empty range is an empty line).
 */
export function eachLine(chunk: Buffer, from: number, to: number, visit: (start: number, stop: number, i: number) => void): number {
  let pos = from;
  for (let i = 0; ; i += 1) {
    const nl = chunk.indexOf(10, pos);
    const stop = nl === -1 || nl > to ? to : nl;
    visit(pos, stop, i);
    if (stop === to) return i + 1;
    pos = stop + 1;
  }
}

// Module functions, not closures made per call: the JIT then sees one call target each.
interface Splitting {
  lineNo: number;
  maxLineBytes: number;
  on: RegionHandlers;
}

/** Whole lines, one by one, as views into the read buffer. */
function byLine(at: Splitting, chunk: Buffer, from: number, to: number): void {
  eachLine(chunk, from, to, (start, stop) => {
    at.lineNo += 1;
    if (stop - start > at.maxLineBytes) at.on.tooLong(at.lineNo, stop - start);
    else at.on.line(chunk.subarray(start, stop), at.lineNo);
  });
}

/** Whole lines, validated in one go when the run is valid UTF-8 (the common case). */
function byRun(at: Splitting, run: NonNullable<LineHandlers["run"]>, chunk: Buffer, from: number, to: number): void {
  const region = chunk.subarray(from, to);
  const ascii = isAscii(region);
  if (!ascii && !isUtf8(region)) {
    // Halve around a line break, so one bad line does not slow the lines around it.
    const mid = to - from > SMALL_REGION ? chunk.indexOf(10, from + ((to - from) >>> 1)) : -1;
    if (mid === -1 || mid >= to) {
      byLine(at, chunk, from, to);
    } else {
      byRun(at, run, chunk, from, mid);
      byRun(at, run, chunk, mid + 1, to);
    }
    return;
  }
  at.lineNo += run(chunk, from, to, at.lineNo + 1, ascii);
}

/**
 * What `splitStream` hands out, in stream order and without line numbers (a consumer that
 * checks regions elsewhere learns their line counts later): each is one or more lines.
 */
export interface StreamHandlers {
  /** Whole lines `chunk[start, end)`, valid only until `chunkDone`; `chunk[end]`, if there is one, is a line break. */
  region(chunk: Buffer, start: number, end: number): void;
  /** One line that spanned reads, assembled (a buffer of its own). */
  joined(bytes: Buffer): void;
  /** One line longer than the limit, skipped without being held in memory. */
  skipped(bytes: number): void;
  /** The lines of a read are all handed out: views into it are about to go stale. */
  chunkDone?(): void;
}

/**
 * One pass over a byte stream: hashes and counts every byte and splits it on `\n` itself, so a
 * line longer than `maxLineBytes` is dropped piece by piece instead of being assembled
 * (readline would buffer it whole). A final line without `\n` still counts.
 */
export async function splitStream(stream: AsyncIterable<unknown>, maxLineBytes: number, on: StreamHandlers): Promise<StreamTotals> {
  const hash = createHash("sha256");
  let bytes = 0;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let skipping = false;
  let lineLen = 0;
  let open = false;

  const finish = (): void => {
    if (skipping) on.skipped(lineLen);
    else on.joined(pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingLen));
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

  for await (const chunk of stream) {
    if (!Buffer.isBuffer(chunk)) throw new TypeError("splitStream needs a byte stream");
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
    // chunk[pos, last) holds whole lines only.
    if (last >= pos) {
      on.region(chunk, pos, last);
      pos = last + 1;
    }
    // The tail may be kept past this chunk, so it is copied out of the read buffer.
    if (pos < chunk.length) take(chunk.subarray(pos), true);
    on.chunkDone?.();
  }
  if (open) finish();
  return { sha256: hash.digest("hex"), bytes };
}
