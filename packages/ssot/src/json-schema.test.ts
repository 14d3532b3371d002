import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ssotJsonSchema, ssotJsonSchemaText } from "./json-schema.ts";

const committed = fileURLToPath(new URL("../schema/macro.schema.json", import.meta.url));

describe("ssot JSON Schema", () => {
  it("is draft 2020-12, strict, and names every top-level section as required", () => {
    const schema = ssotJsonSchema();
    expect(schema["$schema"]).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema["additionalProperties"]).toBe(false);
    expect(schema["required"]).toEqual(
      expect.arrayContaining(["version", "macro", "policy", "venues", "sandbox", "matrix", "owners", "blockers"]),
    );
  });

  it("describes input: fields with defaults are optional for the author", () => {
    const text = ssotJsonSchemaText();
    const schema: unknown = JSON.parse(text);
    const runFlags = (schema as { properties: { sandbox: { properties: { runFlags: { required: string[] } } } } })
      .properties.sandbox.properties.runFlags;
    expect(runFlags.required).not.toContain("capAdd");
    expect(runFlags.required).toContain("network");
  });

  // Regenerate with: MACRO_WRITE_SCHEMA=1 pnpm exec vitest run src/json-schema.test.ts
  it("the committed schema/macro.schema.json is byte-identical to a fresh generation", async () => {
    const fresh = ssotJsonSchemaText();
    if (process.env["MACRO_WRITE_SCHEMA"] === "1") await writeFile(committed, fresh);
    const onDisk = await readFile(committed, "utf8");
    expect(onDisk).toBe(fresh);
  });
});
