"use strict";
// Loads the bundled CLI (dist/cli.cjs) through V8's code cache. Node 20 has no module compile
// cache (module.enableCompileCache arrived in Node 22.1), and compiling the ~1 MB bundle on
// every start was about a third of the blocked path. Committed as plain JS, like bin.cjs,
// because it runs before anything is built.
//
// The cache is an optimisation only: every failure to read, accept or write it falls back to a
// normal compile, and nothing here may change what the CLI does or the exit code it returns.
// It lives beside the build output, in the same trust domain as dist/ itself: whoever can
// write one can write the other.
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

/**
 * The cache file for one bundle content, Node build and command. V8 checks only the source's
 * length and its own flags before trusting cached data, so the key pins the exact content.
 * One file per command, because the cache holds the functions the run compiled: `status`
 * should not leave `run` with a cache that lacks everything `run` needs.
 */
function cacheFileFor(dir, bytes, command) {
  const digest = createHash("sha256").update(bytes).update(process.version).update(process.arch).digest("hex").slice(0, 20);
  const name = /^[a-z][a-z-]{0,31}$/.test(command ?? "") ? command : "other";
  return { file: path.join(dir, `cli-${digest}-${name}.v8`), staleExcept: `cli-${digest}-` };
}

function readCache(file) {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Temp file and rename, so a concurrent start reads a whole cache or none; old builds' caches go. */
function writeCache(dir, file, keepPrefix, data) {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, data);
    fs.renameSync(temp, file);
    for (const entry of fs.readdirSync(dir)) {
      if (entry.startsWith("cli-") && !entry.startsWith(keepPrefix) && entry.endsWith(".v8")) fs.rmSync(path.join(dir, entry), { force: true });
    }
  } catch {
    // A read-only install or a full disk: the next start compiles again, nothing else changes.
  }
}

/**
 * Runs `file` as a CommonJS module, compiled from `cacheDir` when a matching cache exists, and
 * leaves a fresh cache behind when none did (or V8 rejected it). Returns what happened, for tests.
 * `cacheDir: null` turns the cache off.
 */
function loadWithCodeCache(file, { cacheDir, command }) {
  if (cacheDir !== null && typeof Module.enableCompileCache === "function") {
    // Node 22.1+: the runtime's own cache does the same job.
    Module.enableCompileCache(cacheDir);
    require(file);
    return "native";
  }
  // Hashed as bytes: hashing the decoded string would first re-encode 1 MB of UTF-16.
  const bytes = fs.readFileSync(file);
  const source = bytes.toString("utf8");
  const key = cacheDir === null ? null : cacheFileFor(cacheDir, bytes, command);
  const cachedData = key === null ? undefined : readCache(key.file);
  const script = new vm.Script(Module.wrap(source), {
    filename: file,
    cachedData,
    // No importModuleDynamically: on Node 20 a script compiled from cached data loses it, so
    // the bundle is built with no import() of its own (apps/macro/tsup.config.ts).
  });
  const outcome = key === null ? "off" : cachedData === undefined ? "miss" : script.cachedDataRejected ? "rejected" : "hit";
  if (key !== null && (outcome === "miss" || outcome === "rejected")) {
    // Produced at exit, so the cache also holds every function this command compiled lazily.
    process.once("exit", () => writeCache(cacheDir, key.file, key.staleExcept, script.createCachedData()));
  }
  const mod = new Module(file, module);
  mod.filename = file;
  const wrapper = script.runInThisContext();
  wrapper.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  return outcome;
}

/** Where the CLI keeps its cache: MACRO_CODE_CACHE_DIR, off with MACRO_CODE_CACHE=0. */
function defaultCacheDir(packageDir, env) {
  if (env.MACRO_CODE_CACHE === "0") return null;
  if (env.MACRO_CODE_CACHE_DIR) return env.MACRO_CODE_CACHE_DIR;
  return path.join(packageDir, "node_modules", ".cache", "macro-cli");
}

module.exports = { loadWithCodeCache, defaultCacheDir };
