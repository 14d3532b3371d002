#!/usr/bin/env node
// Committed so that pnpm can link the bin on a fresh install, before dist/ exists.
try {
  await import("./dist/cli.js");
} catch (error) {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/cli.js")) {
    process.stderr.write("macro: not built yet; run `pnpm build` (or use `pnpm macro`, which builds first)\n");
    process.exitCode = 1;
  } else {
    throw error;
  }
}
