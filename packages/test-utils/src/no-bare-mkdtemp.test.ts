import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDirSync } from "./temp.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SKIP = new Set(["node_modules", "dist", ".turbo", ".build"]);

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.(ts|mts|cts)$/.test(entry.name)) yield path;
  }
}

/** Test code: a test file, or a module that imports vitest (helpers, harnesses, fixtures). */
const isTestCode = (path: string, text: string) => /\.test\.ts$/.test(path) || /from ["']vitest["']/.test(text);

/** Files of test code that make a temp dir or file themselves, outside @macro/test-utils. */
function bareTempMakers(root: string): string[] {
  const found: string[] = [];
  for (const top of ["packages", "apps"]) {
    for (const pkg of readdirSync(join(root, top))) {
      if (top === "packages" && pkg === "test-utils") continue;
      const files: string[] = [];
      for (const dir of ["src", "test"]) {
        try {
          files.push(...sources(join(root, top, pkg, dir)));
        } catch {
          // No such dir in this package.
        }
      }
      for (const file of files) {
        const text = readFileSync(file, "utf8");
        if (isTestCode(file, text) && /\bmkdtemp(Sync)?\s*\(\s*(path\.)?join\(\s*(os\.)?tmpdir\(\)|\bos\.tmpdir\(\)|\btmpdir\(\)/.test(text)) found.push(relative(root, file));
      }
    }
  }
  return found.sort();
}

describe("test code", () => {
  it("makes temp dirs only through @macro/test-utils (which removes them), never with a bare mkdtemp in tmpdir()", () => {
    expect(bareTempMakers(ROOT)).toEqual([]);
  });

  it("is caught when it does (a fake tree with one of each kind)", () => {
    const root = tempDirSync("macro-bare-");
    const put = (rel: string, text: string) => {
      mkdirSync(join(root, rel, ".."), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    put("packages/a/src/x.test.ts", 'const d = mkdtempSync(join(tmpdir(), "macro-x-"));');
    put("packages/a/src/_helper.ts", 'import { it } from "vitest";\nconst d = await mkdtemp(path.join(os.tmpdir(), "p-"));');
    put("apps/b/src/harness.ts", 'import { expect } from "vitest";\nconst t = tmpdir();');
    put("packages/a/src/product.ts", 'const d = await mkdtemp(join(tmpdir(), "macro-build-")); // removed in finally');
    put("packages/test-utils/src/temp.ts", 'mkdtempSync(join(tmpdir(), prefix));');
    put("packages/a/src/clean.test.ts", 'const d = tempDirSync("macro-y-");');
    expect(bareTempMakers(root)).toEqual(["apps/b/src/harness.ts", "packages/a/src/_helper.ts", "packages/a/src/x.test.ts"]);
  });
});
