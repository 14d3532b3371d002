#!/usr/bin/env node
"use strict";
// Committed so that pnpm can link the bin on a fresh install, before dist/ exists. CommonJS,
// not ESM: an ES module entry costs Node ~7 ms more to start, on every command.
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const cli = join(__dirname, "dist", "cli.cjs");
if (existsSync(cli)) {
  const { defaultCacheDir, loadWithCodeCache } = require("./boot.cjs");
  loadWithCodeCache(cli, { cacheDir: defaultCacheDir(__dirname, process.env), command: process.argv[2] });
} else {
  process.stderr.write("macro: not built yet; run `pnpm build` (or use `pnpm macro`, which builds first)\n");
  process.exitCode = 1;
}
