import { defineConfig } from "tsup";
import { bundleOptions, libraryOptions } from "../../tsup.shared.ts";

// Two builds into one dist/: each cleans only its own files, so neither removes the other's.
export default defineConfig([
  { ...libraryOptions, clean: ["index.*"] },
  // The check worker's own file, a bundle: a worker starts by compiling one file instead of
  // resolving and loading the package's dependencies one by one.
  { ...bundleOptions, entry: { "check-worker": "src/check-worker.ts" }, clean: ["check-worker.*"] },
]);
