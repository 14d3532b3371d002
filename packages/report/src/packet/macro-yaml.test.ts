import { describe, it, expect } from "vitest";
import { fileURLToPath } from "node:url";
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkGfm from "remark-gfm";
import { loadMatrix, loadSsot, type Blocker } from "@macro/ssot";
import { sha256Hex } from "../hash.ts";
import { buildBlockerPacket } from "./build.ts";
import { PACKET_SECTIONS, renderPacketMarkdown } from "./render.ts";
import { packetFileNames } from "./write.ts";
import { NOW, noEngineBlocker, quietEffects, tracksStoppedAt } from "../__fixtures__/ssot.ts";

/** The repo's own SSOT and matrix, through the shared loaders: the packet a real run would write. */
const repo = (p: string) => fileURLToPath(new URL(`../../../../${p}`, import.meta.url));

async function load() {
  const ssot = await loadSsot(repo("macro.yaml"));
  if (!ssot.ok) throw new Error(ssot.error.message);
  const matrix = await loadMatrix(repo(ssot.value.ssot.matrix.path));
  if (!matrix.ok) throw new Error(matrix.error.message);
  return { loaded: ssot.value, rows: matrix.value.rows.map((r) => ({ id: r.id, track: r.track })) };
}

function packet(loaded: Awaited<ReturnType<typeof load>>, blocker: Blocker, venueId: string | null) {
  const names = packetFileNames(blocker.id, "run-real");
  return buildBlockerPacket({
    runId: "run-real",
    now: NOW,
    ssot: loaded.loaded.ssot,
    ssotPath: "macro.yaml",
    ssotSha256: loaded.loaded.sha256,
    tracks: tracksStoppedAt(blocker.track),
    blocker,
    sideEffects: quietEffects,
    matrixRows: loaded.rows,
    previous: null,
    venueId,
    paths: { markdown: `checkpoints/${names.markdown}`, json: `reports/${names.json}` },
  });
}

describe("packets from the repo's macro.yaml and acceptance matrix", () => {
  it("B4′ at the venue blocks every downstream track and all 45 rows, with runnable next actions", async () => {
    const real = await load();
    const p = packet(real, noEngineBlocker, null);
    expect(p.statusLine.startsWith("B4′_OPERATOR_ACTION_REQUIRED — the whole end-to-end path stops at Verify venue: ")).toBe(true);
    expect(p.blocker.blocks.tracks).toEqual(["venue", "attest", "build", "test", "bind", "persist"]);
    expect(p.blocker.blocks.matrixRows).toHaveLength(45);
    expect(p.macro.ssotSha256).toBe(real.loaded.sha256);
    const text = JSON.stringify(p.nextActions);
    expect(text).not.toMatch(/<venue>|<date>|<runId>/);
    expect(p.nextActions[0]?.returns.where).toBe("reports/sandbox-attestation-evidence-V1|V2-2026-06-10-<digest>.json");
    const md = renderPacketMarkdown(p);
    expect(sha256Hex(md)).toBe(p.renderings?.markdownSha256);
    const headings = unified()
      .use(remarkParse)
      .use(remarkGfm)
      .parse(md)
      .children.filter((n) => n.type === "heading" && n.depth === 2).length;
    expect(headings).toBe(PACKET_SECTIONS.length);
  });

  it("a failed attestation on V1 blocks from attest on and names V1 in the return path", async () => {
    const real = await load();
    const p = packet(real, { ...noEngineBlocker, track: "attest", guard: "attestationVerified", class: ["OWNER_OPERATOR_REQUIRED", "PROBE_FAILED"] }, "V1");
    expect(p.blocker.blocks.tracks).toEqual(["attest", "build", "test", "bind", "persist"]);
    expect(p.nextActions[0]?.returns.where).toBe("reports/sandbox-attestation-evidence-V1-2026-06-10-<digest>.json");
  });

  it("tests failing block only the rows proven by tests, not the sandbox rows", async () => {
    const real = await load();
    const p = packet(real, { ...noEngineBlocker, id: "B-TESTS", track: "test", guard: "testsPassed", class: ["TESTS_NOT_PASSED"] }, "V1");
    const expected = real.rows.filter((r) => r.track === "test").map((r) => r.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(p.blocker.blocks.matrixRows).toEqual(expected);
    expect(p.blocker.blocks.matrixRows).not.toContain("#24");
    expect(p.statusLine.startsWith("B-TESTS_BUILDER_ACTION_REQUIRED")).toBe(true);
  });
});
