import { isDeepStrictEqual } from "node:util";
import { isOperator, type JsonValue } from "./expect.ts";
import { REFERENCE_PROBES } from "./reference-probes.ts";
import type { ProbeExpectation } from "./ssot.ts";

export interface FloorIssue {
  path: string;
  message: string;
}

const show = (v: JsonValue | undefined): string => (v === undefined ? "(nothing)" : JSON.stringify(v));

/**
 * True when `mine` accepts nothing `floor` rejects: every actual value that passes `mine`
 * also passes `floor`. An operator may only be replaced by a narrower one or by a literal
 * it admits; a literal only by itself.
 */
export function expectationWithin(floor: JsonValue, mine: JsonValue): boolean {
  if (isOperator(mine) && Object.keys(mine)[0] === "$oneOf") {
    const options = mine.$oneOf;
    // A $oneOf is as wide as its widest candidate; an empty one matches nothing (fine, but useless).
    return Array.isArray(options) && options.every((candidate) => !isOperator(candidate) && expectationWithin(floor, candidate));
  }
  if (!isOperator(floor)) return !isOperator(mine) && isDeepStrictEqual(floor, mine);
  const [op, arg] = Object.entries(floor)[0] as [string, JsonValue];
  const mineOp = isOperator(mine) ? (Object.entries(mine)[0] as [string, JsonValue]) : null;
  switch (op) {
    case "$oneOf":
      return mineOp === null && Array.isArray(arg) && arg.some((candidate) => isDeepStrictEqual(candidate, mine));
    case "$lte":
      if (typeof arg !== "number") return false;
      if (mineOp === null) return typeof mine === "number" && mine <= arg;
      return mineOp[0] === "$lte" && typeof mineOp[1] === "number" && mineOp[1] <= arg;
    case "$gte":
      if (typeof arg !== "number") return false;
      if (mineOp === null) return typeof mine === "number" && mine >= arg;
      return mineOp[0] === "$gte" && typeof mineOp[1] === "number" && mineOp[1] >= arg;
    case "$set":
      // An exact set may only lose members: everything the SSOT admits, the floor admits too.
      if (!Array.isArray(arg) || mineOp === null || mineOp[0] !== "$set" || !Array.isArray(mineOp[1])) return false;
      return mineOp[1].every((member) => arg.some((allowed) => isDeepStrictEqual(allowed, member)));
    case "$empty":
      if (arg !== true) return false;
      if (mineOp === null) return isDeepStrictEqual(mine, []) || isDeepStrictEqual(mine, {}) || mine === "";
      return mineOp[0] === "$empty" && mineOp[1] === true;
    default:
      return false;
  }
}

/** Every reference probe must be run, and each of its expectations kept or narrowed. */
export function probeFloorIssues(probes: readonly ProbeExpectation[], reference: readonly ProbeExpectation[] = REFERENCE_PROBES): FloorIssue[] {
  const issues: FloorIssue[] = [];
  const byId = new Map(probes.map((p, i) => [p.id, { probe: p, index: i }]));
  for (const ref of reference) {
    const mine = byId.get(ref.id);
    if (mine === undefined) {
      issues.push({ path: "sandbox.probes", message: `${ref.id} is missing: the floor runs it (${ref.title})` });
      continue;
    }
    for (const [key, floorValue] of Object.entries(ref.expected) as [string, JsonValue][]) {
      const path = `sandbox.probes[${mine.index}].expected.${key}`;
      const value = Object.hasOwn(mine.probe.expected, key) ? (mine.probe.expected[key] as JsonValue) : undefined;
      if (value === undefined) {
        issues.push({ path, message: `missing: the floor expects ${show(floorValue)}` });
      } else if (!expectationWithin(floorValue, value)) {
        issues.push({ path, message: `${show(value)} is weaker than the floor (${show(floorValue)})` });
      }
    }
  }
  return issues;
}
