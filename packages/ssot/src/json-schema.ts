import * as z from "./zod.ts";
import { Ssot } from "./ssot.ts";

/** Where the committed schema lives, relative to the repo root (macro.yaml points editors at it). */
export const SSOT_SCHEMA_PATH = "packages/ssot/schema/macro.schema.json";

/**
 * The SSOT as JSON Schema for editors. `io: "input"` describes what a user may write
 * (fields with defaults are optional), not what the parser returns.
 */
export function ssotJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Ssot, { target: "draft-2020-12", io: "input" });
  return {
    ...schema,
    title: "macro SSOT (macro.yaml)",
    description: "The single source of truth of a program macro: policy, venues, sandbox profile, matrix, owners, blocker catalog.",
  };
}

/** The exact bytes committed as the schema file, so a test can prove it never drifts. */
export function ssotJsonSchemaText(): string {
  return `${JSON.stringify(ssotJsonSchema(), null, 2)}\n`;
}
