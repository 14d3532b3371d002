import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readYamlFile } from "./yaml-file.ts";
import { tempDir } from "@macro/test-utils";

let dir: string;
beforeAll(async () => {
  dir = await tempDir("macro-yaml-");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const read = async (name: string, text: string, maxAliases = 5) => {
  const path = join(dir, name);
  await writeFile(path, text);
  return readYamlFile(path, name, { maxBytes: 4096, maxAliases });
};

describe("readYamlFile", () => {
  it("keeps dates and yes/no as strings (YAML 1.2 core schema), numbers and booleans as such", async () => {
    const r = await read("core.yaml", "date: 2026-06-09\nanswer: yes\nn: 12\nflag: true\n");
    expect(r.ok && r.value.data).toEqual({ date: "2026-06-09", answer: "yes", n: 12, flag: true });
  });

  it("refuses a billion-laughs of shared maps before anything walks it as a tree", async () => {
    const levels = ["a: &a {x: 1}"];
    for (let i = 1; i < 9; i += 1) levels.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? "*a" : `*l${i - 1}`).join(", ")}]`);
    const r = await read("bomb.yaml", `${levels.join("\n")}\n`);
    expect(r.ok ? "loaded" : r.error.kind).toBe("ALIAS_BOMB");
  });

  it("allows a few honest aliases", async () => {
    const r = await read("anchors.yaml", "base: &b {x: 1}\none: *b\ntwo: *b\n");
    expect(r.ok && r.value.data).toEqual({ base: { x: 1 }, one: { x: 1 }, two: { x: 1 } });
  });

  it("names the file, line and column of a syntax error", async () => {
    const r = await read("broken.yaml", "a: 1\nb: [1, 2\n");
    expect(r.ok ? null : r.error.issues[0]?.path).toMatch(/^broken\.yaml:\d+:\d+$/);
  });

  it("refuses a file over the byte bound before parsing it", async () => {
    const r = await read("big.yaml", `x: "${"a".repeat(5000)}"\n`);
    expect(r.ok ? "loaded" : r.error.kind).toBe("TOO_LARGE");
  });
});
