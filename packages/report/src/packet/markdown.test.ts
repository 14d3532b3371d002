import { describe, it, expect } from "vitest";
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkGfm from "remark-gfm";
import type { RootContent } from "mdast";
import { cell, code, paragraph, table } from "./markdown.ts";
import { compressRows } from "./render.ts";

const parse = (md: string) => unified().use(remarkParse).use(remarkGfm).parse(md);
const flat = (n: RootContent): string =>
  n.type === "text" || n.type === "inlineCode" ? n.value : n.type === "html" ? `[html:${n.value}]` : "children" in n ? (n.children as RootContent[]).map(flat).join("") : "";

describe("markdown escaping", () => {
  it("keeps code spans from SSOT prose as code, with pipes and angle brackets intact", () => {
    const md = table(["A"], [[cell("run `pnpm macro verify <bundle> | tee x` then stop")]]);
    const tableNode = parse(md).children[0];
    if (tableNode?.type !== "table") throw new Error("no table");
    const cellNode = tableNode.children[1]?.children[0];
    expect(cellNode?.children.map((c) => c.type)).toEqual(["text", "inlineCode", "text"]);
    expect(cellNode === undefined ? "" : flat(cellNode)).toBe("run pnpm macro verify <bundle> | tee x then stop");
  });

  it("leaves an unmatched backtick literal and never opens HTML or emphasis", () => {
    const p = parse(paragraph("a ` b <img src=x> *c* _d_")).children[0];
    expect(p?.type).toBe("paragraph");
    expect(p === undefined ? "" : flat(p)).toBe("a ` b <img src=x> *c* _d_");
  });

  it("does not let a prose line start a list, heading, quote or code block", () => {
    const nodes = parse(paragraph("x\n- item\n# head\n> quote\n1. one\n===\n    indented")).children;
    expect(nodes.map((n) => n.type)).toEqual(["paragraph"]);
  });

  it("fences code that itself contains backticks", () => {
    expect(code("a `b` c", false)).toBe("``a `b` c``");
    const p = parse(code("`x`", false)).children[0];
    expect(p === undefined ? "" : flat(p)).toBe("`x`");
  });
});

describe("compressRows", () => {
  it("turns consecutive #NN ids into ranges and keeps everything else", () => {
    expect(compressRows(["#01", "#02", "#03", "#05", "#24", "#25", "X", "#26"])).toEqual(["#01–#03", "#05", "#24–#25", "X", "#26"]);
    expect(compressRows([])).toEqual([]);
    expect(compressRows(["#9", "#10"])).toEqual(["#9", "#10"]);
  });
});
