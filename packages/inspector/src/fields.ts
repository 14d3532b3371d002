import type { PacketCollection, PacketField } from "@macro/ssot";
import { finding, type Finding } from "./findings.ts";
import { isDatetime, isUuid } from "./formats.ts";
import { safeLabel } from "./secrets.ts";

type Check = (value: unknown) => string | null;

/** Type checks return a description of the problem without quoting the value. */
const TYPE_CHECKS: Record<PacketField["type"], Check> = {
  string: (v) => (typeof v === "string" ? null : `expected string, got ${kindOf(v)}`),
  text: (v) => (typeof v === "string" ? null : `expected text, got ${kindOf(v)}`),
  integer: (v) => (typeof v === "number" && Number.isInteger(v) ? null : `expected integer, got ${kindOf(v)}`),
  number: (v) => (typeof v === "number" ? null : `expected number, got ${kindOf(v)}`),
  boolean: (v) => (typeof v === "boolean" ? null : `expected boolean, got ${kindOf(v)}`),
  datetime: (v) => (typeof v === "string" && isDatetime(v) ? null : `expected ISO 8601 datetime, got ${kindOf(v, "datetime")}`),
  uuid: (v) => (typeof v === "string" && isUuid(v) ? null : `expected uuid, got ${kindOf(v, "uuid")}`),
  json: () => null,
};

function kindOf(v: unknown, format?: string): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  if (typeof v === "string") return format === undefined ? "string" : `a string that is not a ${format}`;
  return typeof v;
}

export const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
};

interface QuickField {
  type: PacketField["type"];
  /** Required and not the primary key (whose absence the key check reports). */
  required: boolean;
  /** maxLength, or -1 when there is none. */
  max: number;
  allowed: Set<unknown> | null;
}

/** True exactly when the field's `check` would return null for this (non-null) value. */
function quickOk(q: QuickField, value: unknown): boolean {
  switch (q.type) {
    case "string":
    case "text":
      if (typeof value !== "string") return false;
      break;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) return false;
      break;
    case "number":
      if (typeof value !== "number") return false;
      break;
    case "boolean":
      if (typeof value !== "boolean") return false;
      break;
    case "datetime":
      if (typeof value !== "string" || !isDatetime(value)) return false;
      break;
    case "uuid":
      if (typeof value !== "string" || !isUuid(value)) return false;
      break;
    case "json":
      break;
  }
  if (q.max >= 0 && typeof value === "string" && value.length > q.max && codePoints(value) > q.max) return false;
  return q.allowed === null || q.allowed.has(value);
}

interface FieldValidator {
  name: string;
  required: boolean;
  check(value: unknown, at: Where): Finding | null;
}

/** A record's own value: a field named like an Object.prototype member ("constructor") must not read the prototype. */
export const own = (record: Record<string, unknown>, key: string): unknown => (Object.hasOwn(record, key) ? record[key] : undefined);

export interface Where {
  collection: string;
  line: number;
  recordKey: string | null;
}

/**
 * Built once per collection: each field's checks are closed over so the per-record loop
 * does no schema lookups. Order of checks is type → maxLength → enum; the first failure
 * is the one reported, since later checks are meaningless on a value of the wrong type.
 */
export function compileFields(collection: PacketCollection): {
  fields: ReadonlyMap<string, FieldValidator>;
  /** Hands each finding to `sink` in field order, then the unknown fields in record order. */
  validate(record: Record<string, unknown>, at: Where, sink: (f: Finding) => void): void;
} {
  const fields = new Map<string, FieldValidator>();
  for (const f of collection.fields) {
    const typeCheck = TYPE_CHECKS[f.type];
    const max = f.maxLength;
    const allowed = f.enum === undefined ? null : new Set<unknown>(f.enum);
    fields.set(f.name, {
      name: f.name,
      required: f.required === true,
      check(value, at) {
        const typeProblem = typeCheck(value);
        if (typeProblem !== null) return finding("RECORD_TYPE", { ...at, field: f.name }, typeProblem);
        if (max !== undefined && typeof value === "string" && value.length > max) {
          const n = codePoints(value);
          if (n > max) return finding("RECORD_MAXLENGTH", { ...at, field: f.name }, `length ${n} exceeds maxLength ${max}`);
        }
        if (allowed !== null && !allowed.has(value)) {
          return finding("RECORD_ENUM", { ...at, field: f.name }, `value is not one of the ${allowed.size} allowed values`);
        }
        return null;
      },
    });
  }
  const pk = collection.primaryKey;
  const validators = [...fields.values()];
  const quick = new Map<string, QuickField>();
  const byName = new Map(collection.fields.map((f) => [f.name, f]));
  for (const [name, v] of fields) {
    const f = byName.get(name);
    if (f === undefined) throw new Error(`field ${name} vanished`);
    quick.set(name, { type: f.type, required: v.required && name !== pk, max: f.maxLength ?? -1, allowed: f.enum === undefined ? null : new Set<unknown>(f.enum) });
  }
  const requiredCount = [...quick.values()].filter((q) => q.required).length;

  /**
   * Would `validate` find nothing? The same checks, as one predicate in the record's key
   * order (no finding built, no call per field), so a clean record (nearly all of them)
   * costs one walk over its keys. Any doubt goes to the full, ordered walk below.
   */
  // Records of one export nearly always list their keys in one order: the last record's order
  // is tried first, by identity of the (internalised) key strings, before the map.
  const lastKeys: string[] = [];
  const lastQuick: QuickField[] = [];
  const clean = (record: Record<string, unknown>): boolean => {
    let required = 0;
    let i = 0;
    for (const key in record) {
      let q: QuickField | undefined;
      if (lastKeys[i] === key) q = lastQuick[i];
      else {
        q = quick.get(key);
        if (q !== undefined) {
          lastKeys[i] = key;
          lastQuick[i] = q;
        }
      }
      i += 1;
      if (q === undefined || !Object.hasOwn(record, key)) return false;
      const value = record[key];
      if (value === undefined || value === null) {
        if (q.required) return false;
        continue;
      }
      if (q.required) required += 1;
      if (!quickOk(q, value)) return false;
    }
    return required === requiredCount;
  };

  return {
    fields,
    validate(record, at, sink) {
      if (clean(record)) return;
      for (const v of validators) {
        const value = own(record, v.name);
        if (value === undefined || value === null) {
          // A missing primary key is reported by the key check, once.
          if (v.required && v.name !== pk) sink(finding("RECORD_REQUIRED", { ...at, field: v.name }, "required field is missing or null"));
          continue;
        }
        const f = v.check(value, at);
        if (f !== null) sink(f);
      }
      // for-in walks the same own keys in the same order as Object.keys, without the array;
      // hasOwn drops anything a polluted prototype would add.
      for (const key in record) {
        if (!fields.has(key) && Object.hasOwn(record, key)) sink(finding("RECORD_UNKNOWN_FIELD", { ...at, field: safeLabel(key) }, "field is not in the schema"));
      }
    },
  };
}
