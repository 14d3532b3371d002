import { describe, it, expect } from "vitest";
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkGfm from "remark-gfm";
import type { Heading, Root, RootContent, Table } from "mdast";
import { BlockerPacket, type SideEffect } from "@macro/ssot";
import { buildBlockerPacket } from "./build.ts";
import { NEXT_ACTION_COLUMNS, PACKET_SECTIONS, renderPacketMarkdown } from "./render.ts";
import { NOW, noEngineBlocker, packetInput, quietEffects } from "../__fixtures__/ssot.ts";

const parse = (md: string): Root => unified().use(remarkParse).use(remarkGfm).parse(md);

/** Visible text of a node; `<br>` (raw HTML) becomes a newline as it renders. */
function text(node: RootContent | Root): string {
  if (node.type === "text" || node.type === "inlineCode") return node.value;
  if (node.type === "html") return node.value === "<br>" ? "\n" : node.value;
  if ("children" in node) return (node.children as RootContent[]).map(text).join("");
  return "";
}

/** Top-level nodes between heading `title` and the next h2. */
function section(root: Root, title: string): RootContent[] {
  const start = root.children.findIndex((n) => n.type === "heading" && n.depth === 2 && text(n) === title);
  if (start < 0) throw new Error(`no section ${title}`);
  const rest = root.children.slice(start + 1);
  const end = rest.findIndex((n) => n.type === "heading" && n.depth === 2);
  return end < 0 ? rest : rest.slice(0, end);
}

const tableIn = (nodes: RootContent[]): Table => {
  const t = nodes.find((n): n is Table => n.type === "table");
  if (t === undefined) throw new Error("no table");
  return t;
};
const rows = (t: Table): string[][] => t.children.map((r) => r.children.map((c) => text(c)));

/** What a reader sees of prose whose `code spans` render as code. */
const visible = (s: string) => s.replace(/`([^`]+)`/g, "$1");

describe("renderPacketMarkdown", () => {
  const packet = buildBlockerPacket(packetInput());
  const md = renderPacketMarkdown(packet);
  const root = parse(md);

  it("has the title and every section heading, in the seed's order", () => {
    const h1 = root.children[0] as Heading;
    expect(h1.depth).toBe(1);
    expect(text(h1)).toBe("Action-Ready Blocker — Phase-2 Offline MVP End-to-End Execution Path");
    const h2 = root.children.filter((n): n is Heading => n.type === "heading" && n.depth === 2).map(text);
    expect(h2).toEqual([...PACKET_SECTIONS]);
  });

  it("states the status line and a NO-everywhere flags line for a quiet run", () => {
    const paras = root.children.filter((n) => n.type === "paragraph").map(text);
    expect(paras).toContain(`Final status: ${packet.statusLine}`);
    expect(paras).toContain(
      "Production mutation: NO · Container created by run: NO · Install/system mutation: NO · Mac-local evidence used: NO · Network used: NO",
    );
  });

  it("names the audience from the next actions' owners", () => {
    const paras = root.children.filter((n) => n.type === "paragraph").map(text);
    expect(paras).toContain("Audience: operator (Ops on-call), follow-up-agent (follow-up agent)");
  });

  it("renders continuity from the packet: new, carried unchanged, carried with changed facts", () => {
    const continuityOf = (p: BlockerPacket) =>
      rows(tableIn(section(parse(renderPacketMarkdown(p)), "1. The one blocker"))).find((r) => r[0] === "Continuity")?.[1];
    expect(continuityOf(packet)).toBe("new (no previous packet)");
    const carried = buildBlockerPacket(packetInput({ runId: "run-2", previous: packet }));
    expect(continuityOf(carried)).toBe(
      `carried from run ${packet.runId} (packet of ${NOW}): same blocker and class, re-verified in this run; no evidence fact changed since`,
    );
    const facts = noEngineBlocker.facts.map((f) => (f.id === "engine.docker.reachable" ? { ...f, value: true } : f));
    const changed = buildBlockerPacket(packetInput({ runId: "run-2", previous: packet, blocker: { ...noEngineBlocker, facts } }));
    expect(continuityOf(changed)).toContain("evidence facts changed since:\nengine.docker.reachable: false → true");
  });

  it("has the blocker table with every required row", () => {
    const t = rows(tableIn(section(root, "1. The one blocker")));
    expect(t[0]).toEqual(["Field", "Value"]);
    expect(t.slice(1).map((r) => r[0])).toEqual([
      "Blocker ID",
      "Class",
      "State",
      "Continuity",
      "Blocks",
      "Does not block",
      "Why it blocks",
      "Missing capability",
    ]);
    const value = (field: string) => t.find((r) => r[0] === field)?.[1];
    expect(value("Blocker ID")).toContain("B4′");
    expect(value("Class")).toBe("OWNER_OPERATOR_REQUIRED + NO_EXECUTION_SURFACE");
    expect(value("State")).toBe("BLOCKED");
    expect(value("Blocks")).toContain("persist");
    expect(value("Blocks")).toContain("matrix rows: 45: #01–#45");
    expect(value("Does not block")).toBe("authoring design and blocker documents\nreading the SSOT");
  });

  it("has an evidence row for every fact, with its value and source", () => {
    const t = rows(tableIn(section(root, "2. Evidence")));
    expect(t[0]).toEqual(["Fact", "Value", "Source"]);
    expect(t.slice(1).map((r) => r[0])).toEqual(packet.evidence.map((f) => f.id));
    for (const [i, f] of packet.evidence.entries()) {
      expect(t[i + 1]?.[1]).toBe(String(f.value));
      expect(t[i + 1]?.[2]).toContain(f.source);
    }
  });

  it("has the 7-column next-action table, one row per action, commands runnable as written", () => {
    const t = rows(tableIn(section(root, "3. Exact next action")));
    expect(t[0]).toEqual([...NEXT_ACTION_COLUMNS]);
    expect(t).toHaveLength(1 + packet.nextActions.length);
    for (const [i, a] of packet.nextActions.entries()) {
      const r = t[i + 1] ?? [];
      expect(r).toHaveLength(7);
      expect(r[0]).toBe(a.step);
      expect(r[1]).toBe(`${a.owner} (${a.ownerName})`);
      // Pipes and placeholders in commands survive the table.
      expect(r[3]).toBe(a.commands.join("\n"));
      expect(r[4]).toContain(a.returns.where);
      expect(r[5]).toBe(visible(a.acceptance));
      expect(r[6]).toContain(a.resumesAt);
    }
    expect(t[2]?.[3]).toContain("pnpm macro verify <bundle>");
  });

  it("gives the fallback and lists what was NOT done, each abstention with its basis", () => {
    expect(section(root, "4. If the venue genuinely cannot run it").map(text).join("\n")).toBe(packet.fallback);
    const list = section(root, "5. What was NOT done").find((n) => n.type === "list");
    const items = list === undefined ? [] : text(list);
    for (const t of packet.notDone.tracks) expect(items).toContain(`Track ${t.track} (${t.title}) not run: ${t.reason}.`);
    for (const a of packet.notDone.abstained) expect(items).toContain(`No ${a.kind}: ${a.basis}.`);
  });

  it("ends with a footer naming run, SSOT path and sha256, and the JSON path", () => {
    const last = text(root.children[root.children.length - 1] as RootContent);
    expect(last).toContain(packet.runId);
    expect(last).toContain(`SSOT macro.yaml sha256 ${"a".repeat(64)}`);
    expect(last).toContain("reports/blocker-B4prime-run-2026-06-10-7f3c.json");
  });

  it("is deterministic: twice the same bytes, and the same bytes after a JSON round-trip", () => {
    expect(renderPacketMarkdown(packet)).toBe(md);
    const again = BlockerPacket.parse(JSON.parse(JSON.stringify(packet)));
    expect(again).toEqual(packet);
    expect(renderPacketMarkdown(again)).toBe(md);
  });

  it("turns flags to YES from the side-effect record and shouts forbidden effects", () => {
    const effects: SideEffect[] = [
      ...quietEffects,
      { kind: "container-created", detail: "docker run --rm x", at: NOW },
      { kind: "production-mutation", detail: "DROP TABLE | prod", at: NOW },
    ];
    const loud = parse(renderPacketMarkdown(buildBlockerPacket(packetInput({ sideEffects: effects }))));
    const paras = loud.children.filter((n) => n.type === "paragraph").map(text);
    expect(paras).toContain(
      "Production mutation: YES · Container created by run: YES · Install/system mutation: NO · Mac-local evidence used: NO · Network used: NO",
    );
    expect(paras.some((p) => p.startsWith("POLICY VIOLATION"))).toBe(true);
    const violation = loud.children.find((n) => n.type === "list");
    expect(violation === undefined ? "" : text(violation)).toContain("production-mutation at 2026-06-10T08:59:00.000Z: DROP TABLE | prod");
  });

  it("keeps hostile values inside their cells: pipes, newlines, headings, HTML, backticks", () => {
    const hostile = buildBlockerPacket(
      packetInput({
        blocker: {
          ...noEngineBlocker,
          facts: [{ id: "x|y", value: "a | b\n## not a heading\n<script>", source: "`tick` src", observedAt: NOW }],
        },
      }),
    );
    const r = parse(renderPacketMarkdown(hostile));
    const t = rows(tableIn(section(r, "2. Evidence")));
    expect(t[1]).toEqual(["x|y", "a | b\n## not a heading\n<script>", `tick src (observed ${NOW})`]);
    expect(r.children.filter((n) => n.type === "heading")).toHaveLength(1 + PACKET_SECTIONS.length);
  });

  it("says the matrix was unavailable instead of claiming no rows are blocked", () => {
    const r = parse(renderPacketMarkdown(buildBlockerPacket(packetInput({ matrixRows: null }))));
    const t = rows(tableIn(section(r, "1. The one blocker")));
    expect(t.find((row) => row[0] === "Blocks")?.[1]).toContain("the acceptance matrix was not available");
  });
});
