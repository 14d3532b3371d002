import type { PacketCollection } from "@macro/ssot";
import { plainUtf8 } from "./json-bytes.ts";

// Value kinds and field types as the record scans number them; wasm/record-scan.wat uses the
// same numbers.

export const K_NULL = 1;
export const K_STRING = 2;
export const K_NUMBER = 3;
export const K_TRUE = 4;
export const K_FALSE = 5;

export const T_TEXT = 0;
export const T_INTEGER = 1;
export const T_NUMBER = 2;
export const T_BOOLEAN = 3;
export const T_DATETIME = 4;
export const T_UUID = 5;
export const T_JSON = 6;
const TYPE_CODE = { string: T_TEXT, text: T_TEXT, integer: T_INTEGER, number: T_NUMBER, boolean: T_BOOLEAN, datetime: T_DATETIME, uuid: T_UUID, json: T_JSON } as const;

/** A collection's fields as the record scans (JS and Wasm) need them: made once per collection. */
export interface ScanFields {
  /** Field index of the primary key, or -1 when it is not a schema field (then nothing is fast). */
  pk: number;
  names: readonly string[];
  /** Each field name's bytes as a key (see `plainUtf8`); null: only found through `byName`. */
  nameBytes: readonly (Buffer | null)[];
  byName: ReadonlyMap<string, number>;
  types: Uint8Array;
  /** Required and not the primary key (the key check reports a missing key). */
  required: Uint8Array;
  requiredCount: number;
  /** maxLength, or -1. */
  max: Int32Array;
  enumSet: readonly (ReadonlySet<unknown> | null)[];
  /** Per field, its enum's strings in their byte form. */
  enumBytes: readonly (readonly Buffer[])[];
  /** The fields whose key digests a scan makes (`KeyRecorder`'s, in its order; -1: not a schema field). */
  keyFields: readonly number[];
}

export function scanFields(collection: PacketCollection, keyFields: readonly number[]): ScanFields {
  const fields = collection.fields;
  const pk = fields.findIndex((f) => f.name === collection.primaryKey);
  const required = Uint8Array.from(fields, (f, i) => (f.required === true && i !== pk ? 1 : 0));
  return {
    pk,
    names: fields.map((f) => f.name),
    nameBytes: fields.map((f) => plainUtf8(f.name)),
    byName: new Map(fields.map((f, i) => [f.name, i])),
    types: Uint8Array.from(fields, (f) => TYPE_CODE[f.type]),
    required,
    requiredCount: required.reduce((s, r) => s + r, 0),
    max: Int32Array.from(fields, (f) => f.maxLength ?? -1),
    enumSet: fields.map((f) => (f.enum === undefined ? null : new Set<unknown>(f.enum))),
    enumBytes: fields.map((f) => (f.enum ?? []).flatMap((v) => (typeof v === "string" ? (plainUtf8(v) ?? []) : []))),
    keyFields,
  };
}
