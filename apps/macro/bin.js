#!/usr/bin/env node
// Committed so that pnpm can link the bin on a fresh install, before dist/ exists.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const cli = `${here}/dist/cli.cjs`;
if (existsSync(cli)) {
  const { defaultCacheDir, loadWithCodeCache } = createRequire(import.meta.url)("./boot.cjs");
  loadWithCodeCache(cli, { cacheDir: defaultCacheDir(here, process.env), command: process.argv[2] });
} else {
  process.stderr.write("macro: not built yet; run `pnpm build` (or use `pnpm macro`, which builds first)\n");
  process.exitCode = 1;
}
