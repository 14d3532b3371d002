import { defineConfig } from "tsup";
import { bundleOptions } from "../tsup.shared.ts";

// The inspector core as the product ships it (see bench/inspector.mjs), built by bench/inspect.mjs
// with the root as working directory. check-worker.js sits beside it, as in the package's dist/,
// because the core starts its check workers from the file next to its own.
export default defineConfig({
  ...bundleOptions,
  entry: { inspector: "bench/inspector.mjs", "check-worker": "packages/inspector/src/check-worker.ts" },
  outDir: "bench/.build",
  clean: true,
});
