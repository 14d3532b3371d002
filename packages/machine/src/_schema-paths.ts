import type * as z from "zod";

// Test-only: every leaf field of a zod schema as a path ("context.tracks[].status"), so a
// field added to a schema is covered by the tests that enumerate them without being listed.

type Def = { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; innerType?: z.ZodType; options?: z.ZodType[]; valueType?: z.ZodType };

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

export function schemaLeafPaths(schema: z.ZodType, prefix = ""): string[] {
  const def = defOf(schema);
  switch (def.type) {
    case "object":
      return Object.entries(def.shape ?? {}).flatMap(([k, v]) => schemaLeafPaths(v, prefix === "" ? k : `${prefix}.${k}`));
    case "array":
      return def.element === undefined ? [prefix] : schemaLeafPaths(def.element, `${prefix}[]`);
    case "optional":
    case "nullable":
    case "default":
      return def.innerType === undefined ? [prefix] : schemaLeafPaths(def.innerType, prefix);
    case "union": {
      const all = (def.options ?? []).flatMap((o) => schemaLeafPaths(o, prefix));
      return [...new Set(all)];
    }
    case "record":
      return def.valueType === undefined ? [prefix] : schemaLeafPaths(def.valueType, `${prefix}.*`);
    default:
      return [prefix];
  }
}

/** Every concrete leaf of a JSON value, with the schema-style path it matches and a setter. */
export function jsonLeaves(value: unknown, prefix = ""): { schemaPath: string; concrete: (string | number)[] }[] {
  const walk = (v: unknown, schemaPath: string, concrete: (string | number)[]): { schemaPath: string; concrete: (string | number)[] }[] => {
    if (Array.isArray(v)) return v.flatMap((x, i) => walk(x, `${schemaPath}[]`, [...concrete, i]));
    if (v !== null && typeof v === "object") {
      return Object.entries(v).flatMap(([k, x]) => walk(x, schemaPath === "" ? k : `${schemaPath}.${k}`, [...concrete, k]));
    }
    return [{ schemaPath, concrete }];
  };
  return walk(value, prefix, []);
}

/** A copy of `json` with the leaf at `path` changed to a different value of the same kind where possible. */
export function editLeaf(json: unknown, path: (string | number)[]): unknown {
  const copy: unknown = JSON.parse(JSON.stringify(json));
  let at = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path.at(-1);
  if (last === undefined) return copy;
  const old = at[last];
  at[last] = typeof old === "string" ? `${old}x` : typeof old === "number" ? old + 1 : typeof old === "boolean" ? !old : "edited";
  return copy;
}
