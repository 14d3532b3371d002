import type { PacketCollection, PacketRelation } from "@macro/ssot";
import { compileFields, own } from "./fields.ts";
import { finding, type Finding } from "./findings.ts";
import type { DigestSet } from "./digest-set.ts";
import { isKeyable, KeyIndex, keyDigest } from "./keys.ts";
import { eachString, mayHoldSecret, safeLabel, secretsIn } from "./secrets.ts";

export type Sink = (f: Finding) => void;

const BOM = "\uFEFF";
const LENIENT = new TextDecoder("utf-8", { fatal: false });

/**
 * Everything checked per line of one collection's data file. Built once per collection;
 * `line` is called for every physical line of the file in order.
 */
export class CollectionChecker {
  readonly index: KeyIndex;
  records = 0;
  /** Relation fields with references that could not be kept (index budget spent). */
  readonly unresolved = new Set<string>();
  private relations: (PacketRelation & { target: DigestSet | "not-checked" | "pending" })[] = [];
  private readonly compiled;
  private readonly uniques: string[];
  private readonly decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

  constructor(
    readonly collection: PacketCollection,
    /** Fields of this collection that other collections reference. */
    referencedFields: Iterable<string>,
    maxKeys: number,
    private readonly sink: Sink,
  ) {
    this.compiled = compileFields(collection);
    this.uniques = collection.fields.filter((f) => f.unique === true && f.name !== collection.primaryKey).map((f) => f.name);
    const indexed = new Set([collection.primaryKey, ...this.uniques, ...referencedFields]);
    this.index = new KeyIndex(indexed, (collection.relations ?? []).map((r) => r.field), maxKeys);
  }

  /**
   * How each relation is checked while this file is read: against the finished key set of a
   * target read earlier (no memory spent), not at all if that target ran out of index, or
   * by keeping the reference for later (self-references, cycles).
   */
  begin(targetOf: (collection: string, key: string) => DigestSet | "not-checked" | "pending"): void {
    this.relations = (this.collection.relations ?? []).map((r) => ({ ...r, target: targetOf(r.collection, r.key) }));
  }

  line(bytes: Buffer, lineNo: number): void {
    const name = this.collection.name;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 13) end -= 1; // CRLF files are accepted
    let text: string;
    try {
      text = this.decoder.decode(bytes.subarray(0, end));
    } catch {
      this.records += 1;
      this.sink(finding("ENCODING_UTF8", { collection: name, line: lineNo }, "line is not valid UTF-8; record not checked"));
      // Broken encoding does not make a credential in the line any less leaked.
      for (const hit of secretsIn(LENIENT.decode(bytes.subarray(0, end)))) {
        this.sink(finding(hit.code, { collection: name, line: lineNo }, `${hit.kind} in an undecodable line`));
      }
      return;
    }
    if (lineNo === 1 && text.startsWith(BOM)) {
      text = text.slice(1);
      this.sink(finding("ENCODING_BOM", { collection: name, line: 1 }, "UTF-8 byte order mark at file start (accepted)"));
    }
    if (text.trim() === "") {
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
    this.record(record as Record<string, unknown>, lineNo);
  }

  tooLong(lineNo: number, bytes: number, limit: number): void {
    this.records += 1;
    this.sink(
      finding("LINE_TOO_LONG", { collection: this.collection.name, line: lineNo }, `line of ${bytes} bytes exceeds ${limit}; skipped, not checked`),
    );
  }

  private record(record: Record<string, unknown>, line: number): void {
    const c = this.collection;
    const pkValue = own(record, c.primaryKey);
    const recordKey = isKeyable(pkValue) ? safeLabel(String(pkValue)) : null;
    const at = { collection: c.name, line, recordKey };
    for (const f of this.compiled.validate(record, at)) this.sink(f);

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

    if (pkValue === undefined || pkValue === null) {
      this.sink(finding("PK_MISSING", { ...at, field: c.primaryKey }, "primary key is missing or null"));
    }
    for (const field of this.index.sets.keys()) {
      const v = own(record, field);
      if (!isKeyable(v)) continue;
      const r = this.index.add(field, keyDigest(v), line);
      if (r === "duplicate" && field === c.primaryKey) {
        this.sink(finding("PK_DUPLICATE", { ...at, field }, "primary key value already used by an earlier record"));
      } else if (r === "duplicate" && this.uniques.includes(field)) {
        this.sink(finding("UNIQUE_DUPLICATE", { ...at, field }, "unique field value already used by an earlier record"));
      }
    }
    for (const rel of this.relations) {
      const v = own(record, rel.field);
      if (!isKeyable(v) || rel.target === "not-checked") continue;
      const digest = keyDigest(v);
      if (rel.target === "pending") {
        if (!this.index.refer(rel.field, { digest, line, recordKey })) this.unresolved.add(rel.field);
      } else if (!rel.target.has(digest)) {
        this.sink(finding("RELATION_DANGLING", { ...at, field: rel.field }, `no ${rel.collection} record has this ${rel.key}`));
      }
    }
  }
}
