import { isAscii, isUtf8 } from "node:buffer";
import type { PacketCollection } from "@macro/ssot";
import { finding, type Finding } from "./findings.ts";
import { FullPath } from "./full-path.ts";
import { KeyRecorder } from "./key-recorder.ts";
import { RecordScan } from "./record-scan.ts";
import { eachLine } from "./lines.ts";
import { mayHoldSecret, secretsIn } from "./secrets.ts";
import { LINE_PLAIN, LINE_REFUSED, LINE_UNKNOWN, WasmScan, type RunLines } from "./wasm-scan.ts";

export type Sink = (f: Finding) => void;

const LENIENT = new TextDecoder("utf-8", { fatal: false });

/** A line past the length limit: counted as a record, reported, never read. */
export const tooLongFinding = (collection: string, line: number, bytes: number, limit: number): Finding =>
  finding("LINE_TOO_LONG", { collection, line }, `line of ${bytes} bytes exceeds ${limit}; skipped, not checked`);

/** A backslash (an escape) or a control character: what the record scans leave to the full path. */
const ODD = /[\\\u0000-\u001f]/;

/** A line's text; an ASCII run decodes faster as latin1, to the same characters. */
const textOf = (bytes: Buffer, start: number, end: number, ascii: boolean): string => bytes.toString(ascii ? "latin1" : "utf8", start, end);

/**
 * Called with the key records taken down whenever the buffer the held scanned records lie in
 * is about to change: it makes their record keys independent of that buffer.
 */
export type BufferChange = (keys: KeyRecorder) => void;

/**
 * Everything checked per line of one collection's data file, except the key checks, whose
 * records it takes down for `KeyChecks`. Built once per collection; `line`, `run` and
 * `tooLong` are called for the physical lines of the file (or of a region of it) in order.
 */
export class CollectionChecker {
  records = 0;
  /** Of `records`, those the fast path took. */
  fastRecords = 0;
  /** The line a byte order mark is accepted on: 1, or 0 when the lines checked do not start the file. */
  bomLine = 1;
  readonly keys: KeyRecorder;
  private readonly full: FullPath;
  /** The record fast path (record-scan.ts), or null when every line takes the full path. */
  private readonly scan: RecordScan | null;
  /** The same scan in Wasm, for the lines of a run at once (wasm-scan.ts); null: the JS scan alone. */
  private readonly wasm: WasmScan | null;
  private runChunk: Buffer | null = null;
  /** Whether the JS scan has been rehearsed (`RecordScan.rehearse`). */
  private rehearsed = false;

  constructor(
    readonly collection: PacketCollection,
    /** The fields the key index holds (`indexedFields`). */
    indexed: readonly string[],
    private readonly sink: Sink,
    private readonly bufferChange: BufferChange,
    /** False: every line is parsed and checked in full (the reference the fast path is tested against). */
    fastPath = true,
  ) {
    // Small at first: it grows to what an item holds (once per collection), and a packet of
    // thousands of small collections would otherwise pay a batch of thousands of records for each.
    this.keys = new KeyRecorder(collection, indexed, 64);
    this.full = new FullPath(collection, sink, this.keys);
    this.scan = fastPath ? new RecordScan(collection, this.keys.fieldIndexes) : null;
    this.wasm = this.scan === null ? null : WasmScan.create(this.scan.fields);
    // The JS scan takes every line when there is no Wasm scan: rehearsed before the first line
    // of any file (every collection's checker is built before reading). Otherwise it takes only
    // what the Wasm scan leaves, often nothing, and is rehearsed before its first line.
    if (this.wasm === null) this.rehearse();
  }

  private rehearse(): void {
    this.rehearsed = true;
    this.scan?.rehearse();
  }

  private changingBuffer(): void {
    if (this.keys.batch.count > 0) this.bufferChange(this.keys);
  }

  /** A line as bytes: decoded here (UTF-8, fatal) before the common checks. */
  line(bytes: Buffer, lineNo: number): void {
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 13) end -= 1; // CRLF files are accepted
    const body = bytes.subarray(0, end);
    // isUtf8 accepts exactly what a fatal TextDecoder decodes, and toString keeps a BOM as ignoreBOM does.
    if (!isUtf8(body)) {
      this.records += 1;
      const name = this.collection.name;
      this.sink(finding("ENCODING_UTF8", { collection: name, line: lineNo }, "line is not valid UTF-8; record not checked"));
      // Broken encoding does not make a credential in the line any less leaked.
      for (const hit of secretsIn(LENIENT.decode(body))) {
        this.sink(finding(hit.code, { collection: name, line: lineNo }, `${hit.kind} in an undecodable line`));
      }
      return;
    }
    // A line alone (split across reads, or near a bad one) is a run of its own (one line: it
    // holds no line break, and a joined line is never past the limit).
    this.run(bytes, 0, bytes.length, lineNo, isAscii(bytes), Number.POSITIVE_INFINITY);
    // Such a line is a buffer of its own (or a view of one the next line may not share).
    this.changingBuffer();
  }

  /**
   * A run of whole lines `chunk[start, end)`, valid UTF-8 (`ascii`: all ASCII), numbered from
   * `firstLine`; `chunk[end]`, if there is one, is the line break after the last. Returns how
   * many lines there were. Lines longer than `maxLineBytes` are reported and skipped; the rest
   * are marked for what keeps a line off the fast path and scanned by the Wasm scan in one call,
   * and the records it takes are taken down a stretch at a time; the other lines go their way
   * one by one (`oneLine`).
   */
  run(chunk: Buffer, start: number, end: number, firstLine: number, ascii: boolean, maxLineBytes: number): number {
    if (chunk !== this.runChunk) {
      // Held key records may point into the last buffer.
      this.changingBuffer();
      this.runChunk = chunk;
    }
    if (this.wasm === null || !this.wasm.load(chunk, start, end)) {
      // No Wasm scan (no fast path, a schema too large for its memory, a line past LARGEST_RUN):
      // the full path checks every line.
      return eachLine(chunk, start, end, (from, stop, i) => {
        if (stop - from > maxLineBytes) this.tooLong(firstLine + i, stop - from, maxLineBytes);
        else this.oneLine(chunk, from, stop, firstLine + i, ascii, null, 0, LINE_REFUSED);
      });
    }
    let lineNo = firstLine;
    for (let from = start; ; ) {
      const lines = this.wasm.scanRun(chunk, from, lineNo, maxLineBytes);
      this.answered(chunk, lines, ascii, maxLineBytes);
      lineNo += lines.count;
      const last = lines.end[lines.count - 1] ?? end;
      if (last >= end) return lineNo - firstLine;
      from = last + 1;
    }
  }

  /**
   * The lines the Wasm scan answered: the stretches of plain fast-path records between the lines
   * it lists as exceptions taken down whole, the exceptions one by one. No JS runs per line of a
   * stretch.
   */
  private answered(chunk: Buffer, lines: RunLines, ascii: boolean, maxLineBytes: number): void {
    /** The first line of the stretch of fast-path records not yet taken down. */
    let stretch = 0;
    for (let x = 0; x < lines.exceptionCount; x += 1) {
      const i = lines.exceptions[x] ?? 0;
      this.fastStretch(chunk, lines, stretch, i);
      const from = lines.start[i] ?? 0;
      const stop = lines.end[i] ?? 0;
      const lineNo = lines.lineNo[i] ?? 0;
      if (stop - from > maxLineBytes) this.tooLong(lineNo, stop - from, maxLineBytes);
      else this.oneLine(chunk, from, stop, lineNo, ascii, lines.fast[i] === 1 ? lines : null, i, lines.mark[i] ?? LINE_UNKNOWN);
      stretch = i + 1;
    }
    this.fastStretch(chunk, lines, stretch, lines.count);
  }

  /** Lines `from` to `to` (exclusive) of `lines`, fast-path records, taken down as such. */
  private fastStretch(chunk: Buffer, lines: RunLines, from: number, to: number): void {
    if (to <= from) return;
    this.keys.addFast(lines, from, to, chunk);
    this.records += to - from;
    this.fastRecords += to - from;
  }

  /**
   * The line `bytes[start, end)` (possibly still ending in `\r`); `ascii` when its run is all
   * ASCII; `mark` what the Wasm scan found in it (`RunLines.mark`). `lines`: the Wasm scan took
   * it, as its line `at`. Taken by the fast path when it can, else decoded and parsed.
   */
  private oneLine(bytes: Buffer, start: number, end: number, lineNo: number, ascii: boolean, lines: RunLines | null, at: number, mark: number): void {
    if (end > start && bytes[end - 1] === 13) end -= 1;
    // No fast path, no Wasm scan for the run, or a line the JS scan would refuse as the Wasm
    // scan did: the full path.
    if (this.scan === null || mark === LINE_REFUSED) {
      this.decoded(textOf(bytes, start, end, ascii), lineNo);
      return;
    }
    // A needle is rare in real data but can sit in a field name: the hint pattern then decides.
    // A line the Wasm scan did not take is looked at here, as the JS scan needs: no backslash
    // and no control character anywhere in it.
    let text: string | null = null;
    if (mark !== LINE_PLAIN) {
      text = textOf(bytes, start, end, ascii);
      if ((mark === LINE_UNKNOWN && ODD.test(text)) || mayHoldSecret(text)) {
        this.decoded(text, lineNo);
        return;
      }
    }
    if (lines !== null) {
      this.fastStretch(bytes, lines, at, at + 1);
      return;
    }
    if (!this.rehearsed) this.rehearse();
    if (this.scan.scan(bytes, start, end)) {
      this.records += 1;
      this.fastRecords += 1;
      this.keys.addScanned(this.scan, bytes, lineNo);
      return;
    }
    this.decoded(text ?? textOf(bytes, start, end, ascii), lineNo);
  }

  /** The full path (full-path.ts); counted as a record unless the line is blank. */
  private decoded(text: string, lineNo: number): void {
    if (this.full.check(text, lineNo, this.bomLine)) this.records += 1;
  }

  tooLong(lineNo: number, bytes: number, limit: number): void {
    this.records += 1;
    this.sink(tooLongFinding(this.collection.name, lineNo, bytes, limit));
  }
}
