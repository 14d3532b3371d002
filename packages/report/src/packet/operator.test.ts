import { describe, expect, it } from "vitest";
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkGfm from "remark-gfm";
import type { Root, RootContent, Table } from "mdast";
import { buildBlockerPacket } from "./build.ts";
import { OPERATOR_SECTIONS, renderOperatorPacket } from "./operator.ts";
import { packetInput, ssotFixture } from "../__fixtures__/ssot.ts";

const parse = (md: string): Root => unified().use(remarkParse).use(remarkGfm).parse(md);
const text = (node: RootContent | Root): string =>
  node.type === "text" || node.type === "inlineCode" ? node.value : "children" in node ? (node.children as RootContent[]).map(text).join("") : "";

describe("renderOperatorPacket", () => {
  const packet = buildBlockerPacket(packetInput());
  const md = renderOperatorPacket(ssotFixture, packet);
  const root = parse(md);

  it("has every runbook section, in order", () => {
    const headings = root.children.filter((n) => n.type === "heading" && n.depth === 2).map(text);
    expect(headings).toEqual([...OPERATOR_SECTIONS]);
  });

  it("lists every probe of the SSOT with its expected values", () => {
    const probeTable = root.children.filter((n): n is Table => n.type === "table").find((t) => text(t.children[0] ?? root).startsWith("Probe"));
    expect(probeTable).toBeDefined();
    const ids = (probeTable?.children ?? []).slice(1).map((r) => text(r.children[0] ?? root));
    expect(ids).toEqual(ssotFixture.sandbox.probes.map((p) => p.id));
  });

  it("gives the operator's exact commands in a code block and how the bundle is verified", () => {
    const code = root.children.filter((n) => n.type === "code").map((n) => (n.type === "code" ? n.value : ""));
    const operatorCommands = packet.nextActions.filter((a) => a.owner === "operator").flatMap((a) => a.commands);
    expect(operatorCommands.length).toBeGreaterThan(0);
    for (const command of operatorCommands) expect(code.join("\n")).toContain(command);
    expect(code.join("\n")).toContain("macro verify");
  });

  it("says how to sign, and that an unsigned bundle never counts", () => {
    expect(md).toContain("pnpm macro keygen --out keys");
    expect(md).toContain("--key keys/attest-signing.key");
    expect(md).toContain("sandbox.signing.trustedKeys");
    expect(md).toContain("UNAUTHENTICATED");
  });

  it("is deterministic", () => {
    expect(renderOperatorPacket(ssotFixture, packet)).toBe(md);
  });
});
