import { isDeepStrictEqual } from "node:util";

/**
 * The small language of expected probe values. A plain JSON value must equal the actual
 * value exactly; an object with one operator key matches more loosely:
 *   { "$oneOf": [a, b] }   actual equals one of the values
 *   { "$lte": n } / { "$gte": n }   actual is a number within the bound
 *   { "$empty": true }     actual is an empty array, empty object or empty string
 *   { "$set": [a, b, …] }  actual is an array holding exactly these elements, in any order
 *                          (as a multiset: nothing extra, nothing missing, no duplicate
 *                          beyond the expected count); a mismatch names what is extra and
 *                          what is missing
 * Anything the matcher does not understand is a mismatch, never a pass.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Mismatch {
  key: string;
  expected: JsonValue;
  actual: JsonValue | undefined;
  /** For a `$set` expectation: elements actual has beyond the set, and set elements it lacks. */
  extra?: JsonValue[];
  missing?: JsonValue[];
}

const OPERATORS = new Set(["$oneOf", "$lte", "$gte", "$empty", "$set"]);

/**
 * Multiset difference of two arrays by deep equality: what `actual` holds beyond `expected`
 * and what it lacks. Both empty means the arrays hold the same elements in some order.
 */
export function setDifference(expected: readonly JsonValue[], actual: readonly JsonValue[]): { extra: JsonValue[]; missing: JsonValue[] } {
  const key = (value: JsonValue) => JSON.stringify(canonical(value));
  const counts = new Map<string, { value: JsonValue; count: number }>();
  for (const value of expected) {
    const k = key(value);
    const entry = counts.get(k);
    if (entry === undefined) counts.set(k, { value, count: 1 });
    else entry.count += 1;
  }
  const extra: JsonValue[] = [];
  for (const value of actual) {
    const entry = counts.get(key(value));
    if (entry === undefined || entry.count === 0) extra.push(value);
    else entry.count -= 1;
  }
  const missing: JsonValue[] = [];
  for (const { value, count } of counts.values()) for (let i = 0; i < count; i += 1) missing.push(value);
  return { extra, missing };
}

/** Objects with their keys sorted, so that two deep-equal values serialise alike. */
function canonical(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k] as JsonValue)]));
}

/** The array a `{ "$set": [...] }` expectation names, or null when the value is not one. */
export function setOperand(expected: JsonValue | undefined): JsonValue[] | null {
  if (expected === undefined || !isOperator(expected) || !Object.hasOwn(expected, "$set")) return null;
  const arg = expected.$set;
  return Array.isArray(arg) ? arg : null;
}

export function isOperator(value: JsonValue): value is { [key: string]: JsonValue } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && OPERATORS.has(keys[0] ?? "");
}

export function matchValue(expected: JsonValue, actual: JsonValue | undefined): boolean {
  if (actual === undefined) return false;
  if (!isOperator(expected)) return isDeepStrictEqual(expected, actual);
  const [op, arg] = Object.entries(expected)[0] as [string, JsonValue];
  switch (op) {
    case "$oneOf":
      return Array.isArray(arg) && arg.some((candidate) => isDeepStrictEqual(candidate, actual));
    case "$lte":
      return typeof arg === "number" && typeof actual === "number" && actual <= arg;
    case "$gte":
      return typeof arg === "number" && typeof actual === "number" && actual >= arg;
    case "$set":
      if (!Array.isArray(arg) || !Array.isArray(actual)) return false;
      {
        const diff = setDifference(arg, actual);
        return diff.extra.length === 0 && diff.missing.length === 0;
      }
    case "$empty":
      if (arg !== true) return false;
      if (Array.isArray(actual)) return actual.length === 0;
      if (typeof actual === "string") return actual.length === 0;
      return actual !== null && typeof actual === "object" && Object.keys(actual).length === 0;
    default:
      return false;
  }
}

/** Every expected key must be present in actual and match; an empty expectation never passes. */
export function matchExpected(
  expected: Record<string, JsonValue>,
  actual: Record<string, JsonValue>,
): { ok: boolean; mismatches: Mismatch[] } {
  const keys = Object.keys(expected).sort();
  if (keys.length === 0) return { ok: false, mismatches: [{ key: "*", expected: "at least one expectation", actual: undefined }] };
  const mismatches: Mismatch[] = [];
  for (const key of keys) {
    const want = expected[key] as JsonValue;
    const got = Object.hasOwn(actual, key) ? actual[key] : undefined;
    if (matchValue(want, got)) continue;
    const set = setOperand(want);
    if (set !== null && Array.isArray(got)) mismatches.push({ key, expected: want, actual: got, ...setDifference(set, got) });
    else mismatches.push({ key, expected: want, actual: got });
  }
  return { ok: mismatches.length === 0, mismatches };
}
