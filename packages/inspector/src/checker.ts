import { isUtf8 } from "node:buffer";
import type { PacketCollection, PacketRelation } from "@macro/ssot";
import { compileFields, own, type Where } from "./fields.ts";
import { finding, type Finding } from "./findings.ts";
import type { DigestSet } from "./digest-set.ts";
import { isKeyable, KeyIndex, keyDigest } from "./keys.ts";
import { eachString, jsonMayHoldSecret, linesMayHoldSecret, mayHoldSecret, safeLabel, secretsIn, shortLabel } from "./secrets.ts";

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
  /** Offsets of the lines in the current block that may hold a secret. */
  private hinted = new Set<number>();
  /** The index's sets in its order, with what a duplicate in each means: looked up once, not per record. */
  private readonly keyed: { field: string; set: DigestSet; duplicate: "PK_DUPLICATE" | "UNIQUE_DUPLICATE" | null }[];

  constructor(
    readonly collection: PacketCollection,
    /** Fields of this collection that other collections reference. */
    referencedFields: Iterable<string>,
    maxKeys: number,
    private readonly sink: Sink,
    /** Records the manifest announces: the key index is sized for them up front. */
    expectedRecords = 0,
  ) {
    this.compiled = compileFields(collection);
    this.uniques = collection.fields.filter((f) => f.unique === true && f.name !== collection.primaryKey).map((f) => f.name);
    const indexed = new Set([collection.primaryKey, ...this.uniques, ...referencedFields]);
    this.index = new KeyIndex(indexed, (collection.relations ?? []).map((r) => r.field), maxKeys, expectedRecords);
    this.keyed = [...this.index.sets].map(([field, set]) => ({
      field,
      set,
      duplicate: field === collection.primaryKey ? "PK_DUPLICATE" : this.uniques.includes(field) ? "UNIQUE_DUPLICATE" : null,
    }));
  }

  /**
   * How each relation is checked while this file is read: against the finished key set of a
   * target read earlier (no memory spent), not at all if that target ran out of index, or
   * by keeping the reference for later (self-references, cycles).
   */
  begin(targetOf: (collection: string, key: string) => DigestSet | "not-checked" | "pending"): void {
    this.relations = (this.collection.relations ?? []).map((r) => ({ ...r, target: targetOf(r.collection, r.key) }));
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
    this.decoded(body.toString("utf8"), lineNo);
  }

  /** The decoded run of lines that the next `text` calls come from. */
  block(text: string): void {
    this.hinted = linesMayHoldSecret(text);
  }

  /** A line of the last `block`, starting at `offset` in it, possibly still ending in `\r`. */
  text(text: string, lineNo: number, offset: number): void {
    this.decoded(text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text, lineNo, this.hinted.has(offset));
  }

  /** `hinted`: the line may hold a secret (`jsonMayHoldSecret`); computed here when not known. */
  private decoded(text: string, lineNo: number, hinted = jsonMayHoldSecret(text)): void {
    const name = this.collection.name;
    if (lineNo === 1 && text.startsWith(BOM)) {
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
    this.record(record as Record<string, unknown>, lineNo, !hinted);
  }

  tooLong(lineNo: number, bytes: number, limit: number): void {
    this.records += 1;
    this.sink(
      finding("LINE_TOO_LONG", { collection: this.collection.name, line: lineNo }, `line of ${bytes} bytes exceeds ${limit}; skipped, not checked`),
    );
  }

  /** `plain`: no string in this record can hold a secret (see `jsonMayHoldSecret`). */
  private record(record: Record<string, unknown>, line: number, plain: boolean): void {
    const c = this.collection;
    const pkValue = own(record, c.primaryKey);
    const recordKey = isKeyable(pkValue) ? (plain ? shortLabel(String(pkValue)) : safeLabel(String(pkValue))) : null;
    const at = { collection: c.name, line, recordKey };
    this.compiled.validate(record, at, this.sink);

    if (!plain) this.secrets(record, at);

    if (pkValue === undefined || pkValue === null) {
      this.sink(finding("PK_MISSING", { ...at, field: c.primaryKey }, "primary key is missing or null"));
    }
    for (const { field, set, duplicate } of this.keyed) {
      const v = own(record, field);
      if (!isKeyable(v)) continue;
      if (this.index.addTo(set, keyDigest(v), line) !== "duplicate") continue;
      if (duplicate === "PK_DUPLICATE") {
        this.sink(finding("PK_DUPLICATE", { ...at, field }, "primary key value already used by an earlier record"));
      } else if (duplicate === "UNIQUE_DUPLICATE") {
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
