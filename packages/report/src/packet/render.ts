import { TRACK_IDS, TRACK_TITLES, type BlockerPacket, type Fact, type TrackId } from "@macro/ssot";
import { cell, code, inline, paragraph, table } from "./markdown.ts";

/** Section headings, in the seed's order; exported so tests and readers share one list. */
export const PACKET_SECTIONS = [
  "0. Where the path stopped, and why",
  "1. The one blocker",
  "2. Evidence",
  "3. Exact next action",
  "4. If the venue genuinely cannot run it",
  "5. What was NOT done",
] as const;

export const NEXT_ACTION_COLUMNS = [
  "Step",
  "Owner",
  "Action",
  "Commands",
  "Returns (what, where)",
  "Accepted when",
  "Resumes at",
] as const;

/**
 * Render the packet as Markdown. Deterministic: the same JSON gives the same bytes (no
 * clock, no locale, input order kept). It never prints its own digest, so the digest can
 * be recorded in the JSON it is rendered from.
 */
export function renderPacketMarkdown(packet: BlockerPacket): string {
  const parts = [
    `# Action-Ready Blocker — ${inline(packet.macro.title)}`,
    `Macro: ${code(packet.macro.id, false)} · Run: ${code(packet.runId, false)} · Generated: ${inline(packet.generatedAt)}`,
    `Audience: ${audience(packet)}`,
    `**Final status:** ${inline(packet.statusLine)}`,
    flagsLine(packet),
    ...violations(packet),
    `## ${PACKET_SECTIONS[0]}`,
    stopped(packet),
    `## ${PACKET_SECTIONS[1]}`,
    blockerTable(packet),
    `## ${PACKET_SECTIONS[2]}`,
    evidenceTable(packet.evidence),
    `## ${PACKET_SECTIONS[3]}`,
    nextActionTable(packet),
    `## ${PACKET_SECTIONS[4]}`,
    paragraph(packet.fallback),
    `## ${PACKET_SECTIONS[5]}`,
    notDone(packet),
    "---",
    footer(packet),
  ];
  return `${parts.join("\n\n")}\n`;
}

// --- internal ---

const yesNo = (b: boolean) => (b ? "**YES**" : "NO");

function flagsLine(p: BlockerPacket): string {
  const f = p.flags;
  return [
    `Production mutation: ${yesNo(f.productionMutation)}`,
    `Container created by run: ${yesNo(f.containerCreatedByRun)}`,
    `Install/system mutation: ${yesNo(f.installOrSystemMutation)}`,
    `Mac-local evidence used: ${yesNo(f.macLocalEvidenceUsed)}`,
    `Network used: ${yesNo(f.networkUsed)}`,
  ].join(" · ");
}

function violations(p: BlockerPacket): string[] {
  const performed = p.forbiddenPerformed ?? [];
  if (performed.length === 0) return [];
  const items = performed.map((e) => `- ${code(e.kind, false)} at ${inline(e.at)}: ${inline(e.detail)}`);
  return [`**POLICY VIOLATION — this run performed side effects the SSOT forbids:**\n\n${items.join("\n")}`];
}

const trackLabel = (id: TrackId) => `${code(id, true)} (${inline(TRACK_TITLES[id])})`;

function stopped(p: BlockerPacket): string {
  const n = TRACK_IDS.indexOf(p.stoppedAt.track) + 1;
  const lead =
    `The path stopped at track ${n} of ${TRACK_IDS.length}, ${inline(p.stoppedAt.trackTitle)} (${code(p.stoppedAt.track, false)}): ` +
    `guard ${code(p.stoppedAt.guard, false)} failed — ${inline(p.stoppedAt.why)}`;
  const rows = p.tracks.map((t) => [
    trackLabel(t.id),
    inline(t.status),
    t.evidence.length === 0 ? "—" : t.evidence.map((e) => code(e, true)).join("<br>"),
  ]);
  return `${lead}\n\n${table(["Track", "Status", "Evidence"], rows)}`;
}

/** Who must act, in the order the next actions name them. */
function audience(p: BlockerPacket): string {
  const seen = new Map<string, string>();
  for (const a of p.nextActions) if (!seen.has(a.owner)) seen.set(a.owner, `${inline(a.owner)} (${inline(a.ownerName)})`);
  return [...seen.values()].join(", ");
}

function continuity(p: BlockerPacket): string {
  const b = p.blocker;
  const prev = p.previous ?? null;
  if (b.previousRunId === null) return "new (no previous packet)";
  const run = `run ${code(b.previousRunId, true)}${prev === null ? "" : ` (packet of ${cell(prev.generatedAt)})`}`;
  if (b.continuity === "carried") {
    const changes = prev === null ? null : prev.factChanges;
    const facts =
      changes === null
        ? "facts of the previous packet not recorded"
        : changes.length === 0
          ? "no evidence fact changed since"
          : `evidence facts changed since:<br>${changes.map(factChange).join("<br>")}`;
    return `carried from ${run}: same blocker and class, re-verified in this run; ${facts}`;
  }
  if (prev === null) return `new (previous packet: ${run})`;
  return prev.blockerId === b.id
    ? `new: ${run} stopped on ${cell(prev.blockerId)} with a different class`
    : `new: ${run} stopped on ${cell(prev.blockerId)}`;
}

type FactChange = NonNullable<BlockerPacket["previous"]>["factChanges"][number];

function factChange(c: FactChange): string {
  const v = (x: FactChange["before"]) => (x === null ? "null" : code(String(x), true));
  switch (c.change) {
    case "added":
      return `${code(c.id, true)}: new, ${v(c.after)}`;
    case "removed":
      return `${code(c.id, true)}: no longer observed (was ${v(c.before)})`;
    case "changed":
      return `${code(c.id, true)}: ${v(c.before)} → ${v(c.after)}`;
  }
}

function blockerTable(p: BlockerPacket): string {
  const b = p.blocker;
  const matrixUnavailable = p.evidence.some((f) => f.id === "matrix.available" && f.value === false);
  const rows =
    b.blocks.matrixRows.length > 0
      ? `${b.blocks.matrixRows.length}: ${compressRows(b.blocks.matrixRows).map(cell).join(", ")}`
      : matrixUnavailable
        ? "not computed: the acceptance matrix was not available (see Evidence)"
        : "none";
  const blocks = `tracks: ${b.blocks.tracks.map(trackLabel).join(", ")}<br>matrix rows: ${rows}`;
  return table(
    ["Field", "Value"],
    [
      ["Blocker ID", `${cell(b.id)} — ${cell(b.title)}${b.loadBearing ? " (load-bearing)" : ""}`],
      ["Class", b.class.map(cell).join(" + ")],
      ["State", cell(b.state)],
      ["Continuity", continuity(p)],
      ["Blocks", blocks],
      ["Does not block", b.doesNotBlock.length === 0 ? "nothing listed in the SSOT" : b.doesNotBlock.map(cell).join("<br>")],
      ["Why it blocks", cell(b.why)],
      ["Missing capability", b.missingCapability === null ? "none" : cell(b.missingCapability)],
    ],
  );
}

/**
 * Consecutive `#NN` row ids as ranges (`#24–#37`) so 45 rows stay readable; any other id is
 * listed as-is. The JSON keeps the full list.
 */
export function compressRows(ids: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < ids.length) {
    const first = ids[i] ?? "";
    const n = rowNumber(first);
    let j = i;
    while (n !== null && j + 1 < ids.length && rowNumber(ids[j + 1] ?? "") === n + (j + 1 - i) && (ids[j + 1] ?? "").length === first.length) j++;
    out.push(j === i ? first : `${first}–${ids[j] ?? ""}`);
    i = j + 1;
  }
  return out;
}

function rowNumber(id: string): number | null {
  const m = /^#(\d+)$/.exec(id);
  return m?.[1] === undefined ? null : Number(m[1]);
}

function factValue(v: Fact["value"]): string {
  return v === null ? "null" : typeof v === "string" ? cell(v) : code(String(v), true);
}

function evidenceTable(facts: readonly Fact[]): string {
  if (facts.length === 0) return "No facts were recorded with this blocker.";
  return table(
    ["Fact", "Value", "Source"],
    facts.map((f) => [code(f.id, true), factValue(f.value), `${cell(f.source)} (observed ${cell(f.observedAt)})`]),
  );
}

function nextActionTable(p: BlockerPacket): string {
  return table(
    NEXT_ACTION_COLUMNS,
    p.nextActions.map((a) => [
      cell(a.step),
      `${cell(a.owner)} (${cell(a.ownerName)})`,
      cell(a.action),
      a.commands.length === 0 ? "—" : a.commands.map((c) => code(c, true)).join("<br>"),
      `${cell(a.returns.what)}, at ${cell(a.returns.where)}`,
      cell(a.acceptance),
      trackLabel(a.resumesAt),
    ]),
  );
}

function notDone(p: BlockerPacket): string {
  const items = [
    ...p.notDone.tracks.map((t) => `- Track ${code(t.track, false)} (${inline(t.title)}) not run: ${inline(t.reason)}.`),
    ...p.notDone.abstained.map((a) => `- No ${code(a.kind, false)}: ${inline(a.basis)}.`),
  ];
  return items.length === 0 ? "Nothing to list." : items.join("\n");
}

function footer(p: BlockerPacket): string {
  const json = p.renderings?.jsonPath;
  return [
    `Run ${code(p.runId, false)} · SSOT ${code(p.macro.ssotPath, false)} sha256 ${code(p.macro.ssotSha256, false)}`,
    json === undefined ? "JSON twin: not recorded" : `JSON (source of truth): ${code(json, false)}`,
    "Generated from the packet JSON; edit the SSOT, never this file.",
  ].join(" · ");
}
