import type { PacketCollection } from "@macro/ssot";
import { compileFields, own, type Where } from "./fields.ts";
import { finding, type Finding } from "./findings.ts";
import type { KeyRecorder } from "./key-recorder.ts";
import { ParsedValues } from "./record-values.ts";
import { eachString, jsonMayHoldSecret, mayHoldSecret, safeLabel, secretsIn } from "./secrets.ts";

const BOM = "\uFEFF";

/**
 * The full path of a line: JSON.parse, then every check on the parsed record, findings to
 * `sink` and its keys to `keys`. What the record fast path (record-scan.ts) does not take.
 */
export class FullPath {
  private readonly compiled;
  private readonly parsed = new ParsedValues();

  constructor(
    private readonly collection: PacketCollection,
    private readonly sink: (f: Finding) => void,
    private readonly keys: KeyRecorder,
  ) {
    this.compiled = compileFields(collection);
  }

  /**
   * Checks the line `text` (numbered `lineNo`; a byte order mark is accepted on `bomLine`);
   * false when it is blank, which is not a record.
   */
  check(text: string, lineNo: number, bomLine: number): boolean {
    const name = this.collection.name;
    if (lineNo === bomLine && text.startsWith(BOM)) {
      text = text.slice(1);
      this.sink(finding("ENCODING_BOM", { collection: name, line: 1 }, "UTF-8 byte order mark at file start (accepted)"));
    }
    // A line opening with "{" (nearly all) is not blank; only others need the trim.
    if (text.charCodeAt(0) !== 123 && text.trim() === "") {
      this.sink(finding("LINE_EMPTY", { collection: name, line: lineNo }, "empty line (not counted as a record)"));
      return false;
    }
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      // The parser's message quotes the input, which may be a secret: it is not kept.
      this.sink(finding("RECORD_JSON", { collection: name, line: lineNo }, "line is not valid JSON"));
      for (const hit of secretsIn(text)) {
        this.sink(finding(hit.code, { collection: name, line: lineNo }, `${hit.kind} in an unparsable line`));
      }
      return true;
    }
    if (record === null || typeof record !== "object" || Array.isArray(record)) {
      this.sink(finding("RECORD_TYPE", { collection: name, line: lineNo }, "record is not a JSON object"));
      return true;
    }
    this.record(record as Record<string, unknown>, lineNo, !jsonMayHoldSecret(text));
    return true;
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
