import type { PacketCollection, PacketField } from "@macro/ssot";
import { finding, type Finding } from "./findings.ts";
import { safeLabel } from "./secrets.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATETIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

type Check = (value: unknown) => string | null;

/** Type checks return a description of the problem without quoting the value. */
const TYPE_CHECKS: Record<PacketField["type"], Check> = {
  string: (v) => (typeof v === "string" ? null : `expected string, got ${kindOf(v)}`),
  text: (v) => (typeof v === "string" ? null : `expected text, got ${kindOf(v)}`),
  integer: (v) => (typeof v === "number" && Number.isInteger(v) ? null : `expected integer, got ${kindOf(v)}`),
  number: (v) => (typeof v === "number" ? null : `expected number, got ${kindOf(v)}`),
  boolean: (v) => (typeof v === "boolean" ? null : `expected boolean, got ${kindOf(v)}`),
  datetime: (v) =>
    typeof v === "string" && DATETIME.test(v) && !Number.isNaN(Date.parse(v)) ? null : `expected ISO 8601 datetime, got ${kindOf(v, "datetime")}`,
  uuid: (v) => (typeof v === "string" && UUID.test(v) ? null : `expected uuid, got ${kindOf(v, "uuid")}`),
  json: () => null,
};

function kindOf(v: unknown, format?: string): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  if (typeof v === "string") return format === undefined ? "string" : `a string that is not a ${format}`;
  return typeof v;
}

const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n += 1;
  return n;
};

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
  validate(record: Record<string, unknown>, at: Where): Finding[];
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
  return {
    fields,
    validate(record, at) {
      const out: Finding[] = [];
      for (const v of fields.values()) {
        const value = own(record, v.name);
        if (value === undefined || value === null) {
          // A missing primary key is reported by the key check, once.
          if (v.required && v.name !== pk) out.push(finding("RECORD_REQUIRED", { ...at, field: v.name }, "required field is missing or null"));
          continue;
        }
        const f = v.check(value, at);
        if (f !== null) out.push(f);
      }
      for (const key of Object.keys(record)) {
        if (!fields.has(key)) out.push(finding("RECORD_UNKNOWN_FIELD", { ...at, field: safeLabel(key) }, "field is not in the schema"));
      }
      return out;
    },
  };
}
