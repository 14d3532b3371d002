import { mkdir, rm, symlink, writeFile, chmod } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "@macro/test-utils";
import { digestTree } from "./tree-digest.ts";

let root: string;
beforeEach(async () => {
  root = await tempDir("macro-tree-");
  await mkdir(join(root, "src"));
  await writeFile(join(root, "src/a.ts"), "export const a = 1;\n");
  await writeFile(join(root, "package.json"), "{}\n");
});
afterEach(async () => rm(root, { recursive: true, force: true }));

describe("digestTree: any change to a step's input shows", () => {
  it("is stable for the same tree and counts files and bytes", async () => {
    const one = await digestTree(root);
    expect(await digestTree(root)).toEqual(one);
    expect(one).toMatchObject({ files: 2, bytes: 23 });
  });

  it.each([
    ["one byte of a file", async () => writeFile(join(root, "src/a.ts"), "export const a = 2;\n")],
    ["a new file", async () => writeFile(join(root, "src/b.ts"), "")],
    ["a new empty directory", async () => mkdir(join(root, "src/empty"))],
    ["a file renamed", async () => { await rm(join(root, "src/a.ts")); await writeFile(join(root, "src/c.ts"), "export const a = 1;\n"); }],
    ["the executable bit", async () => chmod(join(root, "src/a.ts"), 0o755)],
    ["a symlink planted", async () => symlink("/etc/passwd", join(root, "src/link"))],
  ])("changes with %s", async (_, change) => {
    const before = await digestTree(root);
    await change();
    expect((await digestTree(root)).sha256).not.toBe(before.sha256);
  });

  it("leaves out the judge's own output and VCS state, and what it is told to skip", async () => {
    const before = await digestTree(root, { skip: ["node_modules"] });
    await mkdir(join(root, "reports"));
    await writeFile(join(root, "reports/run.json"), "{}");
    await mkdir(join(root, "node_modules"));
    await writeFile(join(root, "node_modules/x.js"), "");
    expect(await digestTree(root, { skip: ["node_modules"] })).toEqual(before);
  });

  it("a file as the whole input is digested by content", async () => {
    const file = join(root, "package.json");
    const one = await digestTree(file);
    await writeFile(file, "{ }\n");
    expect((await digestTree(file)).sha256).not.toBe(one.sha256);
  });
});
