import { defineConfig, type Options } from "tsup";
import { libraryOptions } from "../../tsup.shared.ts";

/**
 * The in-container program: ONE self-contained CommonJS file. Exported for the in-container
 * test. CommonJS because an ES module entry costs Node ~7 ms more to start, inside the
 * attestation container as anywhere (measured in the container: 115.8 -> 109.2 ms median).
 */
export const probeEntryOptions: Options = {
  entry: { "probe-entry": "src/sandbox/entry.ts" },
  format: ["cjs"],
  target: "node20",
  platform: "node",
  // zod and @macro/ssot inlined: the FROM-scratch attestation image has Node and this file, no node_modules.
  noExternal: [/.*/],
  splitting: false,
  sourcemap: false,
  clean: false,
  // Bundled code that finds files from import.meta.url gets this file's URL.
  define: { "import.meta.url": "__macroImportMetaUrl" },
  banner: { js: '"use strict";\nvar __macroImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  esbuildOptions(options) {
    // Bundle workspace packages from source so the entry never depends on their dist/.
    options.conditions = ["@macro/source"];
  },
};

export default defineConfig([libraryOptions, probeEntryOptions]);
