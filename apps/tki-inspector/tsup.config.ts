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
});
