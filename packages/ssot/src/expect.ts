import { isDeepStrictEqual } from "node:util";

/**
 * The small language of expected probe values. A plain JSON value must equal the actual
 * value exactly; an object with one operator key matches more loosely:
 *   { "$oneOf": [a, b] }   actual equals one of the values
 *   { "$lte": n } / { "$gte": n }   actual is a number within the bound
 *   { "$empty": true }     actual is an empty array, empty object or empty string
 * Anything the matcher does not understand is a mismatch, never a pass.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface Mismatch {
  key: string;
  expected: JsonValue;
  actual: JsonValue | undefined;
}

const OPERATORS = new Set(["$oneOf", "$lte", "$gte", "$empty"]);

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
    if (!matchValue(want, got)) mismatches.push({ key, expected: want, actual: got });
  }
  return { ok: mismatches.length === 0, mismatches };
}
