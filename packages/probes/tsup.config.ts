import { defineConfig, type Options } from "tsup";
import { libraryOptions } from "../../tsup.shared.ts";

/** The in-container program: ONE self-contained file. Exported for the in-container test. */
export const probeEntryOptions: Options = {
  entry: { "probe-entry": "src/sandbox/entry.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  // zod and @macro/ssot inlined: the FROM-scratch attestation image has Node and this file, no node_modules.
  noExternal: [/.*/],
  splitting: false,
  sourcemap: false,
  clean: false,
  // Inlined CommonJS dependencies (yaml, via @macro/ssot) require Node built-ins at run time;
  // an ESM bundle has no `require`, so give it one.
  banner: { js: 'import { createRequire as __macroCreateRequire } from "node:module";\nconst require = __macroCreateRequire(import.meta.url);' },
  esbuildOptions(options) {
    // Bundle workspace packages from source so the entry never depends on their dist/.
    options.conditions = ["@macro/source"];
  },
};

export default defineConfig([libraryOptions, probeEntryOptions]);
