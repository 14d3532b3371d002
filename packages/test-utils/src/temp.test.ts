import { existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deferCleanup, tempDir, tempDirSync, tempFile } from "./index.ts";

describe("tempDir", () => {
  let fromTest = "";
  it("makes a dir in the run's private temp dir", async () => {
    fromTest = await tempDir("macro-t-");
    writeFileSync(join(fromTest, "x"), "x");
    expect(fromTest.startsWith(tmpdir())).toBe(true);
    expect(tmpdir()).toMatch(/macro-test-run-/);
  });
  it("removed it when that test finished", () => {
    expect(fromTest).not.toBe("");
    expect(existsSync(fromTest)).toBe(false);
  });

  const fromDescribe = tempDirSync("tki-t-");
  afterAll(() => {
    // Made outside a test: still there for every test of the file, removed after the file.
    expect(existsSync(fromDescribe)).toBe(true);
  });
  it("keeps a dir made outside a test for the whole file", () => {
    expect(existsSync(fromDescribe)).toBe(true);
  });

  it("refuses a prefix the guard would not recognise in the shared temp dir", () => {
    expect(() => tempDirSync("foo-")).toThrow(/must start with/);
    expect(() => tempDirSync("macro-../x-")).toThrow(/must start with/);
  });

  it("tempFile writes the file in a fresh dir", () => {
    const f = tempFile("a.json", "{}");
    expect(existsSync(f)).toBe(true);
  });
});

describe("deferCleanup", () => {
  const ran: string[] = [];
  it.fails("runs the cleanup when the test fails", () => {
    deferCleanup(() => ran.push("failed test"));
    throw new Error("on purpose");
  });
  it("ran it", () => {
    expect(ran).toEqual(["failed test"]);
  });
});
