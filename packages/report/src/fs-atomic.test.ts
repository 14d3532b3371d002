import { describe, it, expect } from "vitest";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDir, writeFileAtomic } from "./fs-atomic.ts";

const tempDir = () => mkdtemp(join(tmpdir(), "macro-report-atomic-"));

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
