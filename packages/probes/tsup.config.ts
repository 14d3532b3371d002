import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm"],
    target: "node20",
    platform: "node",
    sourcemap: true,
    clean: true,
  },
  {
    // The in-container program: ONE self-contained file (zod and @macro/ssot inlined), because
    // the FROM-scratch attestation image has Node and this file, no node_modules.
    entry: { "probe-entry": "src/sandbox/entry.ts" },
    format: ["esm"],
    target: "node20",
    platform: "node",
    noExternal: [/.*/],
    splitting: false,
    // Inlined CommonJS dependencies (yaml, via @macro/ssot) require Node built-ins at run time;
    // an ESM bundle has no `require`, so give it one.
    banner: { js: 'import { createRequire as __macroCreateRequire } from "node:module";\nconst require = __macroCreateRequire(import.meta.url);' },
    sourcemap: false,
    clean: false,
    esbuildOptions(options) {
      // Bundle workspace packages from source so the entry never depends on their dist/.
      options.conditions = ["@macro/source"];
    },
  },
]);
