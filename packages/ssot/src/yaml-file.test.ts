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
/** As an SSOT is read: 1 MiB, 50 alias uses, 50k nodes, 4 MiB expanded. */
const ssotLimits = { maxBytes: 1024 * 1024, maxAliases: 50, maxNodes: 50_000, maxExpandedBytes: 4 * 1024 * 1024 };
const bomb = async (name: string, text: string, limits: Partial<typeof ssotLimits> = {}) => {
  const path = join(dir, name);
  await writeFile(path, text);
  const started = performance.now();
  const r = await readYamlFile(path, name, { ...ssotLimits, ...limits });
  return { kind: r.ok ? "loaded" : r.error.kind, message: r.ok ? "" : r.error.message, ms: performance.now() - started };
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

  it("refuses a file it cannot read as a regular file, naming it", async () => {
    const r = await readYamlFile(dir, "the-dir", { maxBytes: 4096 });
    expect(r.ok ? null : r.error).toMatchObject({ kind: "UNREADABLE", message: "the-dir: is a directory, not a regular file; refused" });
  });
});

describe("readYamlFile: cost after alias expansion, not shape", () => {
  it("refuses a 48-level doubling chain of sequences, at load", async () => {
    const lines = ["l0: &l0 [x, x]"];
    for (let i = 1; i < 48; i += 1) lines.push(`l${i}: &l${i} [*l${i - 1}, *l${i - 1}]`);
    const r = await bomb("chain.yaml", `${lines.join("\n")}\n`, { maxAliases: 1000 });
    expect(r.kind).toBe("ALIAS_BOMB");
    expect(r.message).toMatch(/nodes once aliases are expanded/);
  });

  it("refuses a doubling chain of maps too (cost counted through keys and values)", async () => {
    const lines = ["m0: &m0 {a: x, b: x}"];
    for (let i = 1; i < 48; i += 1) lines.push(`m${i}: &m${i} {a: *m${i - 1}, b: *m${i - 1}}`);
    expect((await bomb("chain-map.yaml", `${lines.join("\n")}\n`, { maxAliases: 1000 })).kind).toBe("ALIAS_BOMB");
  });

  it("refuses a self-referencing anchor, sequence or map, as a cycle (never a crash)", async () => {
    for (const [name, text] of [
      ["self-seq.yaml", "a: &a [*a]\n"],
      ["self-map.yaml", "a: &a {b: *a}\n"],
      ["self-deep.yaml", "a: &a {b: [1, {c: *a}]}\n"],
      ["self-block.yaml", "a: &a\n  b:\n    - *a\n"],
    ] as const) {
      const r = await bomb(name, text);
      expect(r.kind, name).toBe("ALIAS_BOMB");
      expect(r.message, name).toMatch(/cycle/);
    }
  });

  it("refuses a 100 KB string aliased 2000 times (bytes, not nodes)", async () => {
    const text = `s: &s "${"A".repeat(100 * 1024)}"\nlist: [${Array(2000).fill("*s").join(", ")}]\n`;
    const r = await bomb("string-bomb.yaml", text, { maxAliases: 5000 });
    expect(r.kind).toBe("ALIAS_BOMB");
    expect(r.message).toMatch(/bytes once aliases are expanded/);
  });

  it("refuses the same through the alias budget at the SSOT's bound of 50 uses", async () => {
    const text = `s: &s "${"A".repeat(1000)}"\nlist: [${Array(60).fill("*s").join(", ")}]\n`;
    expect((await bomb("many-aliases.yaml", text)).message).toMatch(/more than 50 alias uses/);
  });

  it("refuses a string aliased into keys (js-yaml would turn a sequence key into one huge string)", async () => {
    const text = `s: &s "${"A".repeat(100 * 1024)}"\n? [${Array(2000).fill("*s").join(", ")}]\n: 1\n`;
    expect((await bomb("key-bomb.yaml", text, { maxAliases: 5000 })).kind).toBe("ALIAS_BOMB");
    const keys = ["s: &s " + "B".repeat(1000)];
    for (let i = 0; i < 40; i += 1) keys.push(`k${i}: {*s : ${i}}`);
    // Forty 1 KB keys are honest and cost 40 KB.
    expect((await bomb("alias-keys.yaml", `${keys.join("\n")}\n`)).kind).toBe("loaded");
    expect((await bomb("alias-keys-tight.yaml", `${keys.join("\n")}\n`, { maxExpandedBytes: 20_000 })).kind).toBe("ALIAS_BOMB");
  });

  it("refuses a merge-key bomb: << is a plain key in the core schema, and its value is counted", async () => {
    const lines = ["b0: &b0 {a: 1, b: 2}"];
    for (let i = 1; i < 40; i += 1) lines.push(`b${i}: &b${i} {"<<": *b${i - 1}, x: *b${i - 1}}`);
    expect((await bomb("merge.yaml", `${lines.join("\n")}\n`, { maxAliases: 1000 })).kind).toBe("ALIAS_BOMB");
    expect((await bomb("merge-plain.yaml", "a: &a {k: 1}\nb:\n  <<: *a\n")).kind).toBe("loaded");
  });

  it("refuses nesting deeper than the bound without overflowing the stack", async () => {
    const r = await bomb("deep.yaml", `${"[".repeat(100_000)}${"]".repeat(100_000)}\n`, { maxBytes: 1024 * 1024 });
    expect(r.kind).toBe("ALIAS_BOMB");
    expect(r.message).toMatch(/nested deeper than 64 levels/);
    const ok = await bomb("deep-ok.yaml", `${"[".repeat(60)}1${"]".repeat(60)}\n`);
    expect(ok.kind).toBe("loaded");
  });
});
