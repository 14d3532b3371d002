import { defineConfig } from "tsup";

// Each command is its own entry so the CLI imports only the command it runs. The workspace
// packages and the pure-JS dependencies are bundled in: Node 20's ESM loader pays per module
// (zod alone is ~100 ms as separate files), and the blocked path is meant to cost little more
// than starting node. pino is bundled too (loaded as CommonJS it cost ~20 ms of package.json
// lookups and wrapper compiles): we use only `pino.destination` and `pino.multistream`, never a
// transport, so the worker files pino would load by path are never reached. pino-pretty stays
// external, imported only on a terminal. execa comes in with @macro/sandbox, in chunks that
// only the container tracks import, when a run gets that far.
export default defineConfig({
  entry: ["src/cli.ts", "src/commands/*.ts", "!src/commands/*.test.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
  splitting: true,
  noExternal: [/^@macro\//, "zod", "js-yaml", "xstate", "citty", "ci-info", "pino"],
  banner: { js: 'import { createRequire as __macroCreateRequire } from "node:module";\nconst require = __macroCreateRequire(import.meta.url);' },
  esbuildOptions(options) {
    options.conditions = ["@macro/source"];
  },
});
