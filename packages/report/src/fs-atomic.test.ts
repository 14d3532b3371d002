import { describe, it, expect } from "vitest";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ensureDir, writeFileAtomic, writeFilesAtomic } from "./fs-atomic.ts";
import { tempDir as sharedTempDir } from "@macro/test-utils";

const tempDir = () => sharedTempDir("macro-report-atomic-");

describe("writeFileAtomic", () => {
  it("writes strings and bytes exactly, replacing old content and leaving no temp file", async () => {
    const dir = await tempDir();
    const file = join(dir, "a.json");
    await writeFileAtomic(file, "old\n");
    await writeFileAtomic(file, "new ✓\n");
    expect(await readFile(file, "utf8")).toBe("new ✓\n");
    await writeFileAtomic(file, new Uint8Array([0, 255, 10]));
    expect([...(await readFile(file))]).toEqual([0, 255, 10]);
    expect(await readdir(dir)).toEqual(["a.json"]);
  });

  it("on failure leaves the old content intact and no temp file behind", async () => {
    const dir = await tempDir();
    const file = join(dir, "keep.txt");
    await writeFile(file, "old content");
    // The target is a non-empty directory: rename over it must fail after the temp was written.
    const blocked = join(dir, "blocked");
    await ensureDir(join(blocked, "inner"));
    await expect(writeFileAtomic(blocked, "x")).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(["blocked", "keep.txt"]);
    expect(await readFile(file, "utf8")).toBe("old content");
  });

  it("fails without leftovers when the target's directory is a file", async () => {
    const dir = await tempDir();
    const notDir = join(dir, "file");
    await writeFile(notDir, "i am a file");
    await expect(writeFileAtomic(join(notDir, "x.json"), "{}")).rejects.toThrow();
    expect(await readdir(dir)).toEqual(["file"]);
    expect(await readFile(notDir, "utf8")).toBe("i am a file");
  });

  it("ensureDir creates nested directories and accepts existing ones", async () => {
    const dir = await tempDir();
    await ensureDir(join(dir, "a", "b"));
    await ensureDir(join(dir, "a", "b"));
    expect(await readdir(join(dir, "a"))).toEqual(["b"]);
  });
});

describe("writeFilesAtomic", () => {
  it("replaces every file across directories and leaves no temp file", async () => {
    const dir = await tempDir();
    await ensureDir(join(dir, "a"));
    await ensureDir(join(dir, "b"));
    await writeFile(join(dir, "a", "1.md"), "old");
    await writeFilesAtomic([
      { path: join(dir, "a", "1.md"), data: "one" },
      { path: join(dir, "b", "2.json"), data: new Uint8Array([50]) },
      { path: join(dir, "b", "3.json"), data: "three" },
    ]);
    expect(await readFile(join(dir, "a", "1.md"), "utf8")).toBe("one");
    expect(await readFile(join(dir, "b", "2.json"), "utf8")).toBe("2");
    expect(await readdir(join(dir, "a"))).toEqual(["1.md"]);
    expect((await readdir(join(dir, "b"))).sort()).toEqual(["2.json", "3.json"]);
  });

  it("when one temp file cannot be written, no target changes and no temp file is left", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "keep.md"), "old");
    await writeFile(join(dir, "file"), "i am a file");
    await expect(
      writeFilesAtomic([
        { path: join(dir, "keep.md"), data: "new" },
        { path: join(dir, "file", "x.json"), data: "{}" },
      ]),
    ).rejects.toThrow();
    expect(await readFile(join(dir, "keep.md"), "utf8")).toBe("old");
    expect((await readdir(dir)).sort()).toEqual(["file", "keep.md"]);
  });

  it("renames in order: when one rename fails, the files before it are replaced and none after it, and no temp file is left", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "first"), "old");
    await writeFile(join(dir, "third"), "old");
    await ensureDir(join(dir, "blocked", "inner"));
    await expect(
      writeFilesAtomic([
        { path: join(dir, "first"), data: "new" },
        { path: join(dir, "blocked"), data: "x" },
        { path: join(dir, "third"), data: "new" },
      ]),
    ).rejects.toThrow();
    expect(await readFile(join(dir, "first"), "utf8")).toBe("new");
    expect(await readFile(join(dir, "third"), "utf8")).toBe("old");
    expect((await readdir(dir)).sort()).toEqual(["blocked", "first", "third"]);
  });
});
