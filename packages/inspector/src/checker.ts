import { isAscii, isUtf8 } from "node:buffer";
import type { PacketCollection } from "@macro/ssot";
import { compileFields, own, type Where } from "./fields.ts";
import { finding, type Finding } from "./findings.ts";
import { KeyRecorder } from "./key-checks.ts";
import { RecordScan } from "./record-scan.ts";
import { ParsedValues } from "./record-values.ts";
import { LINE_ODD, LINE_PLAIN, RunMarks } from "./run-marks.ts";
import { eachString, jsonMayHoldSecret, mayHoldSecret, safeLabel, secretsIn } from "./secrets.ts";

export type Sink = (f: Finding) => void;

const BOM = "\uFEFF";
const LENIENT = new TextDecoder("utf-8", { fatal: false });

/** A line past the length limit: counted as a record, reported, never read. */
export const tooLongFinding = (collection: string, line: number, bytes: number, limit: number): Finding =>
  finding("LINE_TOO_LONG", { collection, line }, `line of ${bytes} bytes exceeds ${limit}; skipped, not checked`);

/** A line's text; an ASCII run decodes faster as latin1, to the same characters. */
const textOf = (bytes: Buffer, start: number, end: number, ascii: boolean): string => bytes.toString(ascii ? "latin1" : "utf8", start, end);

/**
 * Called with the key records taken down whenever the buffer the held scanned records lie in
 * is about to change: it makes their record keys independent of that buffer.
 */
export type BufferChange = (keys: KeyRecorder) => void;

/**
 * Everything checked per line of one collection's data file, except the key checks, whose
 * records it takes down for `KeyChecks`. Built once per collection; `line`, `run`/`valid`
 * and `tooLong` are called for the physical lines of the file (or of a region of it) in order.
 */
export class CollectionChecker {
  records = 0;
  /** Of `records`, those the fast path took. */
  fastRecords = 0;
  /** The line a byte order mark is accepted on: 1, or 0 when the lines checked do not start the file. */
  bomLine = 1;
  readonly keys: KeyRecorder;
  private readonly compiled;
  /** The record fast path (record-scan.ts), or null when every line takes the full path. */
  private readonly scan: RecordScan | null;
  private readonly parsed = new ParsedValues();
  private readonly marks = new RunMarks();
  private runChunk: Buffer | null = null;

  constructor(
    readonly collection: PacketCollection,
    /** The fields the key index holds (`indexedFields`). */
    indexed: readonly string[],
    private readonly sink: Sink,
    private readonly bufferChange: BufferChange,
    /** False: every line is parsed and checked in full (the reference the fast path is tested against). */
    fastPath = true,
  ) {
    this.compiled = compileFields(collection);
    this.keys = new KeyRecorder(collection, indexed, 4096);
    this.scan = fastPath ? new RecordScan(collection, this.keys.fieldIndexes) : null;
    // Before the first line of any file (every collection's checker is built before reading).
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
    // A line alone (split across reads, or near a bad one) is a run of its own.
    const ascii = isAscii(bytes);
    this.run(bytes, 0, bytes.length);
    this.valid(bytes, 0, bytes.length, lineNo, ascii);
    // Such a line is a buffer of its own (or a view of one the next line may not share).
    this.changingBuffer();
  }

  /**
   * A run of whole lines, valid UTF-8, whose lines come next to `valid`: marked once for what
   * keeps a line off the fast path (run-marks.ts). `chunk[end]` is the line break after it, when
   * there is one.
   */
  run(chunk: Buffer, start: number, end: number): void {
    if (chunk !== this.runChunk) {
      // Held key records may point into the last buffer.
      this.changingBuffer();
      this.runChunk = chunk;
    }
    if (this.scan !== null) {
      this.marks.mark(chunk, start, end);
      this.scan.load(chunk, start, end);
    }
  }

  /**
   * A line of the current run, `bytes[start, end)`, possibly still ending in `\r`; `ascii` when
   * the run is all ASCII. Taken by the fast path when it can, else decoded and parsed.
   */
  valid(bytes: Buffer, start: number, end: number, lineNo: number, ascii: boolean): void {
    if (end > start && bytes[end - 1] === 13) end -= 1;
    if (this.scan === null) {
      this.decoded(textOf(bytes, start, end, ascii), lineNo);
      return;
    }
    // A needle is rare in real data but can sit in a field name: the hint pattern then decides.
    const mark = this.marks.line(start, end);
    let text: string | null = null;
    if (mark !== LINE_PLAIN) {
      text = textOf(bytes, start, end, ascii);
      if (mark === LINE_ODD || mayHoldSecret(text)) {
        this.decoded(text, lineNo);
        return;
      }
    }
    if (this.scan.scan(bytes, start, end)) {
      this.records += 1;
      this.fastRecords += 1;
      this.keys.addScanned(this.scan, bytes, lineNo);
      return;
    }
    this.decoded(text ?? textOf(bytes, start, end, ascii), lineNo);
  }

  /** The full path: JSON.parse, then every check on the parsed record. */
  private decoded(text: string, lineNo: number): void {
    const name = this.collection.name;
    if (lineNo === this.bomLine && text.startsWith(BOM)) {
      text = text.slice(1);
      this.sink(finding("ENCODING_BOM", { collection: name, line: 1 }, "UTF-8 byte order mark at file start (accepted)"));
    }
    // A line opening with "{" (nearly all) is not blank; only others need the trim.
    if (text.charCodeAt(0) !== 123 && text.trim() === "") {
      this.sink(finding("LINE_EMPTY", { collection: name, line: lineNo }, "empty line (not counted as a record)"));
      return;
    }
    this.records += 1;
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      // The parser's message quotes the input, which may be a secret: it is not kept.
      this.sink(finding("RECORD_JSON", { collection: name, line: lineNo }, "line is not valid JSON"));
      for (const hit of secretsIn(text)) {
        this.sink(finding(hit.code, { collection: name, line: lineNo }, `${hit.kind} in an unparsable line`));
      }
      return;
    }
    if (record === null || typeof record !== "object" || Array.isArray(record)) {
      this.sink(finding("RECORD_TYPE", { collection: name, line: lineNo }, "record is not a JSON object"));
      return;
    }
    this.record(record as Record<string, unknown>, lineNo, !jsonMayHoldSecret(text));
  }

  tooLong(lineNo: number, bytes: number, limit: number): void {
    this.records += 1;
    this.sink(tooLongFinding(this.collection.name, lineNo, bytes, limit));
  }

  /** `plain`: no string in this record can hold a secret (see `jsonMayHoldSecret`). */
  private record(record: Record<string, unknown>, line: number, plain: boolean): void {
    const c = this.collection;
    const pkValue = own(record, c.primaryKey);
    const recordKey = ParsedValues.labelOf(pkValue, plain);
    const at = { collection: c.name, line, recordKey };
    this.compiled.validate(record, at, this.sink);

    if (!plain) this.secrets(record, at);

    if (pkValue === undefined || pkValue === null) {
      this.sink(finding("PK_MISSING", { ...at, field: c.primaryKey }, "primary key is missing or null"));
    }
    this.keys.add(this.parsed.set(record, recordKey), line);
  }

  private secrets(record: Record<string, unknown>, at: Where): void {
    for (const field in record) {
      const value = record[field];
      // Fast path for the common case: a plain value with nothing secret-shaped in it.
      if (!mayHoldSecret(field) && (typeof value !== "object" || value === null) && (typeof value !== "string" || !mayHoldSecret(value))) continue;
      const seen = new Set<string>();
      eachString([field, value], (s) => {
        for (const hit of secretsIn(s)) {
          if (seen.has(hit.code)) continue;
          seen.add(hit.code);
          this.sink(finding(hit.code, { ...at, field: safeLabel(field) }, `${hit.kind} (value withheld)`));
        }
      });
    }
  }
}
