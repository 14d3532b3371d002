import { defineConfig } from "tsup";
import { libraryOptions } from "../../tsup.shared.ts";

// Two builds into one dist/: each cleans only its own files, so neither removes the other's.
export default defineConfig([
  { ...libraryOptions, clean: ["index.*"] },
  {
    // The check worker's own file: one self-contained bundle, so a worker starts by compiling
    // one file instead of resolving and loading the package's dependencies one by one.
    entry: { "check-worker": "src/check-worker.ts" },
    format: ["esm"],
    target: "node20",
    platform: "node",
    sourcemap: false,
    clean: ["check-worker.*"],
    noExternal: [/.*/],
    splitting: false,
    esbuildOptions(options) {
      options.conditions = ["@macro/source", "module", "import", "node", "default"];
    },
    // A CJS dependency inlined into ESM may still call require() for a builtin.
    banner: { js: 'import { createRequire as __checkCreateRequire } from "node:module"; const require = __checkCreateRequire(import.meta.url);' },
  },
]);
