import { describe, expect, it } from "vitest";
import { foreignImports } from "./bundle-check.ts";

describe("foreignImports", () => {
  it("accepts Node built-ins in both spellings", () => {
    expect(foreignImports('import { readFile } from "node:fs/promises";\nimport path from "path";\nconst x = require("node:crypto");')).toEqual([]);
  });
  it("names every package import, static, dynamic or required", () => {
    const src = 'import * as z from "zod";\nimport "pino";\nconst y = await import("xstate");\nconst w = require("yaml");';
    expect(foreignImports(src)).toEqual(["pino", "xstate", "yaml", "zod"]);
  });
});
