import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultCacheDir } from "../../boot.cjs";
import { tempDirSync } from "@macro/test-utils";

// boot.cjs is committed plain JS that runs before anything is built; these tests run it the way
// bin.cjs does, in a fresh node process, because its cache is written when that process exits.
const BOOT = fileURLToPath(new URL("../../boot.cjs", import.meta.url));

let dir = "";
beforeEach(() => {
  dir = tempDirSync("macro-code-cache-");
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function bundle(body: string): string {
  const file = join(dir, "cli.cjs");
  writeFileSync(file, `"use strict";\n${body}\n`);
  return file;
}

/** Loads `file` through boot.cjs in a child; the bundle runs first, then the outcome is printed last. */
function load(file: string, cacheDir: string | null, command = "run") {
  const script = `
    const { loadWithCodeCache } = require(${JSON.stringify(BOOT)});
    const outcome = loadWithCodeCache(${JSON.stringify(file)}, { cacheDir: ${JSON.stringify(cacheDir)}, command: ${JSON.stringify(command)} });
    process.stdout.write(outcome + "\\n");`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
  const lines = r.stdout.split("\n");
  const outcome = lines.at(-2) ?? "";
  return { status: r.status, outcome, output: lines.slice(0, -2).map((l) => `${l}\n`).join(""), stderr: r.stderr, stdout: r.stdout };
}

const cacheFiles = (cacheDir: string) => readdirSync(cacheDir).filter((n) => n.endsWith(".v8")).sort();

describe("boot.cjs: the CLI's V8 code cache", () => {
  it("compiles from source the first time, leaves a cache, and compiles from it the second time", () => {
    const file = bundle(`process.stdout.write("ran:" + typeof require + ":" + (module.exports === exports) + "\\n"); process.exitCode = 3;`);
    const cache = join(dir, "cache");
    const first = load(file, cache);
    expect(first).toMatchObject({ status: 3, outcome: "miss", output: "ran:function:true\n" });
    expect(cacheFiles(cache)).toHaveLength(1);
    expect(cacheFiles(cache)[0]).toMatch(/^cli-[0-9a-f]{20}-run\.v8$/);
    const second = load(file, cache);
    expect(second).toMatchObject({ status: 3, outcome: "hit", output: "ran:function:true\n" });
  });

  it("keys the cache by content: a rebuilt bundle of the same length never runs an old cache", () => {
    const cache = join(dir, "cache");
    load(bundle(`process.stdout.write("A\\n");`), cache);
    const old = cacheFiles(cache);
    // Same length, different code: V8 alone checks only the length.
    const rebuilt = load(bundle(`process.stdout.write("B\\n");`), cache);
    expect(rebuilt).toMatchObject({ status: 0, outcome: "miss", output: "B\n" });
    expect(cacheFiles(cache)).toHaveLength(1);
    expect(cacheFiles(cache)).not.toEqual(old);
  });

  it("keeps one cache per command, so one command's cache does not stand in for another's", () => {
    const file = bundle(`process.stdout.write("x\\n");`);
    const cache = join(dir, "cache");
    load(file, cache, "run");
    expect(load(file, cache, "status").outcome).toBe("miss");
    expect(load(file, cache, "../escape").outcome).toBe("miss");
    expect(cacheFiles(cache).map((n) => n.replace(/^cli-[0-9a-f]+-/, ""))).toEqual(["other.v8", "run.v8", "status.v8"]);
  });

  it("a corrupt cache is rejected by V8, the code still runs from source, and the cache is rewritten", () => {
    const file = bundle(`process.stdout.write("ok\\n");`);
    const cache = join(dir, "cache");
    load(file, cache);
    const [name = ""] = cacheFiles(cache);
    writeFileSync(join(cache, name), Buffer.alloc(4096, 7));
    expect(load(file, cache)).toMatchObject({ status: 0, outcome: "rejected", output: "ok\n" });
    expect(readFileSync(join(cache, name)).every((b) => b === 7)).toBe(false);
    expect(load(file, cache).outcome).toBe("hit");
  });

  it("a cache directory that cannot be written changes nothing but speed", () => {
    const file = bundle(`process.stdout.write("ok\\n"); process.exitCode = 2;`);
    const blocked = join(dir, "a-file");
    writeFileSync(blocked, "");
    const r = load(file, join(blocked, "cache"));
    expect(r).toMatchObject({ status: 2, outcome: "miss", output: "ok\n", stderr: "" });
  });

  it("cacheDir null turns the cache off; MACRO_CODE_CACHE=0 and MACRO_CODE_CACHE_DIR choose it", () => {
    const file = bundle(`process.stdout.write("ok\\n");`);
    expect(load(file, null)).toMatchObject({ status: 0, outcome: "off" });
    expect(readdirSync(dir)).toEqual(["cli.cjs"]);
    expect(defaultCacheDir("/pkg", { MACRO_CODE_CACHE: "0" })).toBeNull();
    expect(defaultCacheDir("/pkg", { MACRO_CODE_CACHE_DIR: "/elsewhere" })).toBe("/elsewhere");
    expect(defaultCacheDir("/pkg", {})).toBe(join("/pkg", "node_modules", ".cache", "macro-cli"));
  });

  it("the built CLI has no import() of its own: Node 20 drops the dynamic-import callback of a cached script", () => {
    const built = readFileSync(fileURLToPath(new URL("../../dist/cli.cjs", import.meta.url)), "utf8");
    expect(built.match(/\bimport\(/g) ?? []).toEqual([]);
  });
});
