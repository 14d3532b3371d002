import type { PacketCollection } from "@macro/ssot";
import { compileFields, own, type Where } from "./fields.ts";
import { finding, type Finding } from "./findings.ts";
import type { KeyRecorder } from "./key-recorder.ts";
import { ParsedValues } from "./record-values.ts";
import { walkJson } from "./json-walk.ts";
import { isShortNumber, numberProblem } from "./numbers.ts";
import { jsonMayHoldSecret, mayHoldSecret, safeLabel, secretsIn } from "./secrets.ts";

const BOM = "\uFEFF";

/**
 * The full path of a line: JSON.parse, then every check on the parsed record, findings to
 * `sink` and its keys to `keys`. What the record fast path (record-scan.ts) does not take.
 */
export class FullPath {
  private readonly compiled;
  private readonly parsed = new ParsedValues();
  /** The top-level fields of type integer: their numbers are held to the 64-bit range. */
  private readonly integers: Set<string>;
  /** The current record's top-level numbers that need their text (see `ParsedValues.set`). */
  private readonly numbers = new Map<string, string>();

  constructor(
    private readonly collection: PacketCollection,
    private readonly sink: (f: Finding) => void,
    private readonly keys: KeyRecorder,
  ) {
    this.compiled = compileFields(collection);
    this.integers = new Set(collection.fields.filter((f) => f.type === "integer").map((f) => f.name));
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
    // Walked whatever it is: a record that is an array or a string is still data, and a
    // secret in it is as leaked as in a field.
    const plain = !jsonMayHoldSecret(text);
    const isRecord = record !== null && typeof record === "object" && !Array.isArray(record);
    const pkValue = isRecord ? own(record as Record<string, unknown>, this.collection.primaryKey) : undefined;
    const found = this.walk(text, plain);
    // Labelled once the walk has the key's text: a number its double does not tell apart is
    // labelled as written.
    const recordKey = isRecord ? ParsedValues.labelOf(pkValue, plain, this.numbers.get(this.collection.primaryKey)) : null;
    for (const f of found) {
      f.collection = name;
      f.line = lineNo;
      f.recordKey = recordKey;
      this.sink(f);
    }
    if (!isRecord) {
      this.sink(finding("RECORD_TYPE", { collection: name, line: lineNo }, "record is not a JSON object"));
      return true;
    }
    this.record(record as Record<string, unknown>, pkValue, { collection: name, line: lineNo, recordKey });
    return true;
  }

  /** A parsed record's field and key checks. */
  private record(record: Record<string, unknown>, pkValue: unknown, at: Where): void {
    const c = this.collection;
    this.compiled.validate(record, at, this.sink);
    if (pkValue === undefined || pkValue === null) {
      this.sink(finding("PK_MISSING", { ...at, field: c.primaryKey }, "primary key is missing or null"));
    }
    this.keys.add(this.parsed.set(record, at.recordKey, this.numbers), at.line);
  }

  /**
   * What JSON.parse's value does not show (json-walk.ts): repeated keys, numbers no double
   * holds, and the strings under every key at any depth, repeated ones included, for secrets
   * (`plain`: none can hold one). Keeps the top-level numbers' texts for the key checks.
   */
  private walk(text: string, plain: boolean): Finding[] {
    const found: Finding[] = [];
    const field = (top: string): string | null => (top === "" ? null : safeLabel(top));
    const reported = new Set<string>();
    const numbers = this.numbers;
    numbers.clear();
    let duplicates = 0;
    let first: { path: string; top: string; nfc: boolean } | null = null;
    walkJson(text, {
      string: plain
        ? null
        : (s, top) => {
            if (!mayHoldSecret(s)) return;
            for (const hit of secretsIn(s)) {
              const once = `${hit.code}\u0000${top}`;
              if (reported.has(once)) continue;
              reported.add(once);
              found.push(finding(hit.code, { field: field(top) }, `${hit.kind} (value withheld)`));
            }
          },
      duplicate: (path, top, nfc) => {
        duplicates += 1;
        first ??= { path, top, nfc };
      },
      number: (t, top, depth) => {
        if (depth === 1) {
          if (isShortNumber(t)) numbers.delete(top);
          else numbers.set(top, t);
        }
        const problem = numberProblem(t, depth === 1 && this.integers.has(top));
        const once = `N\u0000${top}`;
        if (problem === null || reported.has(once)) return;
        reported.add(once);
        found.push(finding("RECORD_NUMBER_RANGE", { field: field(top) }, problem));
      },
    });
    if (first === null) return found;
    const { path, top, nfc } = first as { path: string; top: string; nfc: boolean };
    const more = duplicates > 1 ? ` (${duplicates} repeated keys in this record)` : "";
    const what = nfc ? "equals an earlier key once Unicode-normalised (NFC)" : "appears twice in one object (JSON.parse keeps only the last value)";
    found.push(finding("RECORD_DUPLICATE_KEY", { field: field(top) }, `key ${safeLabel(path)} ${what}; every value was scanned${more}`));
    return found;
  }
}
