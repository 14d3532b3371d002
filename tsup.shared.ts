import type { Options } from "tsup";

/** Every library package builds the same way: its one `src/index.ts` face, ESM for Node 20. */
export const libraryOptions: Options = {
  entry: ["src/index.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
};

/**
 * One self-contained ESM file per entry, for a place with Node.js and no node_modules (the
 * sandbox image) or where resolving a package's dependencies one by one costs a start (a check
 * worker). Workspace packages are inlined from their TypeScript source, so a bundle never
 * depends on (possibly stale) dist/ folders, and only what the entry uses is kept.
 */
export const bundleOptions: Options = {
  format: ["esm"],
  target: "node20",
  platform: "node",
  sourcemap: false,
  noExternal: [/.*/],
  splitting: false,
  esbuildOptions(options) {
    options.conditions = ["@macro/source", "module", "import", "node", "default"];
  },
  // A CJS dependency inlined into ESM may still call require() for a builtin.
  banner: { js: 'import { createRequire as __bundleCreateRequire } from "node:module"; const require = __bundleCreateRequire(import.meta.url);' },
};
