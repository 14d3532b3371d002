import { defineConfig } from "tsup";

// ONE self-contained file: the sandbox image has Node.js and nothing else, no node_modules.
export default defineConfig({
  entry: { "tki-inspector": "src/main.ts" },
  format: ["esm"],
  target: "node20",
  platform: "node",
  sourcemap: false,
  clean: true,
  noExternal: [/.*/],
  splitting: false,
  esbuildOptions(options) {
    // Bundle the workspace packages from their TypeScript source, so the bundle never
    // depends on (possibly stale) dist/ folders of its dependencies.
    options.conditions = ["@macro/source", "module", "import", "node", "default"];
  },
  // A CJS dependency inlined into ESM may still call require() for a builtin.
  banner: { js: 'import { createRequire as __tkiCreateRequire } from "node:module"; const require = __tkiCreateRequire(import.meta.url);' },
});
