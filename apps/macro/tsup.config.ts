import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";

/**
 * The commit `macro --version` names; `-dirty` when the tree had uncommitted changes. Turbo may
 * replay a cached bundle built at another commit: its build inputs were the same, so that commit
 * still names sources that make this very bundle.
 */
function gitCommit(): string {
  const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    return `${git("rev-parse", "HEAD")}${git("status", "--porcelain", "--untracked-files=no") === "" ? "" : "-dirty"}`;
  } catch {
    return ""; // no git here (an unpacked tarball): --version says "unknown"
  }
}
// tsup runs in the package folder (pnpm, turbo), so its package.json is the CLI's.
const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

// One CommonJS file, so that bin.cjs can compile it through V8's code cache (boot.cjs): Node 20
// has no module compile cache, and parsing ~1 MB of JS was a third of the blocked path. The
// commands stay lazily imported in the source; esbuild keeps each one's module body unevaluated
// until its import() runs, and with a cache hit V8 does not parse code that never runs.
// The workspace packages and the pure-JS dependencies are bundled in (Node 20's loader pays per
// module: zod alone was ~100 ms as separate files). pino is used only through `pino.destination`
// and `pino.multistream`, never a transport, so the worker files pino would load by path are
// never reached. execa is ESM-only and cannot be require()d, so it is bundled too, and so is
// pino-pretty (evaluated only on a terminal): on Node 20 a script compiled from cached data
// loses its dynamic-import callback, so the bundle must not import() anything from outside.
export default defineConfig({
  entry: { cli: "src/cli.ts" },
  format: ["cjs"],
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
  splitting: false,
  noExternal: [/^@macro\//, "zod", "js-yaml", "xstate", "citty", "ci-info", "pino", "pino-pretty", "execa"],
  // The bundled packages locate their own files and require() helpers from import.meta.url.
  define: { "import.meta.url": "__macroImportMetaUrl", __MACRO_VERSION__: JSON.stringify(version), __MACRO_COMMIT__: JSON.stringify(gitCommit()) },
  banner: { js: '"use strict";\nvar __macroImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  esbuildOptions(options) {
    options.conditions = ["@macro/source"];
  },
});
