import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as fs from "node:fs";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { InternalError } from "@macro/ssot";
import { confineWrites } from "./confine.ts";
import { GuardViolation } from "./verdict.ts";
import { tempDirSync } from "@macro/test-utils";

// Confinement is process-wide and permanent, so it lives in its own test file (own worker).
// Every refused write throws before touching the disk; the checks below confirm that.
describe("confineWrites", () => {
  let root: string;
  let outside: string;
  beforeAll(() => {
    root = fs.realpathSync(tempDirSync("tki-confine-"));
    outside = fs.realpathSync(tempDirSync("tki-outside-"));
    fs.writeFileSync(join(outside, "readable.txt"), "read me");
    fs.mkdirSync(join(root, "..sneaky-but-inside"));
    confineWrites(root);
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("[#19] still writes, renames and removes inside the confined directory", async () => {
    fs.writeFileSync(join(root, "a.tmp"), "x");
    fs.renameSync(join(root, "a.tmp"), join(root, "a.json"));
    await fs.promises.writeFile(join(root, "b.json"), "y");
    fs.writeFileSync(join(root, "..sneaky-but-inside", "c"), "z");
    expect(fs.readdirSync(root).sort()).toEqual(["..sneaky-but-inside", "a.json", "b.json"]);
    fs.rmSync(join(root, "b.json"));
    expect(fs.existsSync(join(root, "b.json"))).toBe(false);
  });

  it("[#19] refuses writes outside, through fs, fs.promises and the ESM named exports", () => {
    expect(() => fs.writeFileSync(join(outside, "x"), "no")).toThrow(GuardViolation);
    expect(() => fs.promises.writeFile(join(outside, "x"), "no")).toThrow(/write outside --out refused/);
    expect(() => writeFile(join(outside, "x"), "no")).toThrow(GuardViolation);
    expect(() => fs.mkdirSync(join(outside, "d"))).toThrow(GuardViolation);
    expect(() => fs.renameSync(join(root, "a.json"), join(outside, "moved"))).toThrow(GuardViolation);
    expect(() => fs.rmSync(join(outside, "readable.txt"))).toThrow(GuardViolation);
    expect(() => fs.createWriteStream(join(outside, "s"))).toThrow(GuardViolation);
    expect(() => fs.writeFileSync(join(root, "..", "escape"), "no")).toThrow(GuardViolation);
    expect(fs.readdirSync(outside)).toEqual(["readable.txt"]);
    expect(fs.existsSync(join(root, "a.json"))).toBe(true);
  });

  it("lets reads through and refuses opens for writing outside", () => {
    expect(fs.readFileSync(join(outside, "readable.txt"), "utf8")).toBe("read me");
    fs.closeSync(fs.openSync(join(outside, "readable.txt"), "r"));
    fs.closeSync(fs.openSync(join(outside, "readable.txt"), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW));
    expect(() => fs.openSync(join(outside, "readable.txt"), "r+")).toThrow(GuardViolation);
    expect(() => fs.openSync(join(outside, "new"), fs.constants.O_WRONLY | fs.constants.O_CREAT)).toThrow(GuardViolation);
    expect(() => fs.promises.open(join(outside, "new"), "a")).toThrow(GuardViolation);
  });

  it("is fixed for the life of the process", () => {
    expect(confineWrites(resolve(root))).toContain("fs.promises.writeFile");
    expect(() => confineWrites(outside)).toThrow(InternalError);
  });
});
