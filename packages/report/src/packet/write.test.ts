import { describe, it, expect } from "vitest";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BlockerPacket, InputError } from "@macro/ssot";
import { sha256Hex } from "../hash.ts";
import { buildBlockerPacket } from "./build.ts";
import { renderPacketMarkdown } from "./render.ts";
import { LATEST_POINTER, clearLatestPacket, findLatestPacket, packetFileNames, slug, writeBlockerPacket } from "./write.ts";
import { packetInput } from "../__fixtures__/ssot.ts";
import { tempDir } from "@macro/test-utils";

async function dirs() {
  const root = await tempDir("macro-report-write-");
  return { root, reportsDir: join(root, "reports"), checkpointsDir: join(root, "checkpoints") };
}

function packetFor(runId: string) {
  const names = packetFileNames("B4′", runId);
  return buildBlockerPacket(
    packetInput({ runId, paths: { markdown: `checkpoints/${names.markdown}`, json: `reports/${names.json}` } }),
  );
}

describe("slug and file names", () => {
  it("keeps B4′ readable and strips anything path-like", () => {
    expect(slug("B4′")).toBe("B4prime");
    expect(slug("B0‴")).toBe("B0primeprimeprime");
    expect(slug("../../etc/passwd")).toBe("etc-passwd");
    expect(slug("///")).toBe("blocker");
    expect(packetFileNames("B4′", "run-1")).toEqual({ json: "blocker-B4prime-run-1.json", markdown: "blocker-B4prime-run-1.md" });
  });
});

describe("writeBlockerPacket", () => {
  it("writes files handed alongside (the operator runbook) in the same round, and the pointer still names the packet", async () => {
    const d = await dirs();
    const runbook = join(d.checkpointsDir, "operator-packet-B4prime-2026-06-10.md");
    await writeBlockerPacket(packetFor("run-1"), d, {}, [{ path: runbook, data: "# runbook\n" }]);
    expect(await readFile(runbook, "utf8")).toBe("# runbook\n");
    expect((await findLatestPacket(d.reportsDir))?.runId).toBe("run-1");
    expect((await readdir(d.checkpointsDir)).sort()).toEqual(["blocker-B4prime-run-1.md", "operator-packet-B4prime-2026-06-10.md"]);
  });

  it("writes Markdown to checkpoints and JSON to reports, the JSON recording the Markdown's sha256", async () => {
    const d = await dirs();
    const packet = packetFor("run-1");
    const written = await writeBlockerPacket(packet, d);
    expect(written.markdownPath).toBe(join(d.checkpointsDir, "blocker-B4prime-run-1.md"));
    expect(written.jsonPath).toBe(join(d.reportsDir, "blocker-B4prime-run-1.json"));
    const md = await readFile(written.markdownPath);
    expect(sha256Hex(md)).toBe(written.markdownSha256);
    expect(md.toString("utf8")).toBe(renderPacketMarkdown(packet));
    const jsonBytes = await readFile(written.jsonPath);
    expect(sha256Hex(jsonBytes)).toBe(written.jsonSha256);
    const json = BlockerPacket.parse(JSON.parse(jsonBytes.toString("utf8")));
    expect(json.renderings?.markdownSha256).toBe(written.markdownSha256);
    expect(json.renderings?.markdownPath).toBe("checkpoints/blocker-B4prime-run-1.md");
    // Re-rendering the stored JSON reproduces the stored Markdown byte for byte.
    expect(renderPacketMarkdown(json)).toBe(md.toString("utf8"));
    expect((await readdir(d.reportsDir)).sort()).toEqual(["blocker-B4prime-run-1.json", LATEST_POINTER]);
  });

  it("refuses to write a packet that names other files than the ones it would be written to", async () => {
    const d = await dirs();
    const wrong = buildBlockerPacket(packetInput({ runId: "run-1", paths: { markdown: "checkpoints/other.md", json: "reports/blocker-B4prime-run-1.json" } }));
    await expect(writeBlockerPacket(wrong, d)).rejects.toMatchObject({ code: "PACKET_PATH_MISMATCH" });
  });

  it("appends the Markdown to GITHUB_STEP_SUMMARY when it is set", async () => {
    const d = await dirs();
    const summary = join(d.root, "summary.md");
    await writeFile(summary, "earlier step\n");
    const packet = packetFor("run-1");
    await writeBlockerPacket(packet, d, { GITHUB_STEP_SUMMARY: summary });
    expect(await readFile(summary, "utf8")).toBe(`earlier step\n${renderPacketMarkdown(packet)}\n`);
  });

  it("does not touch any summary file when GITHUB_STEP_SUMMARY is unset", async () => {
    const d = await dirs();
    const summary = join(d.root, "summary.md");
    await writeFile(summary, "earlier step\n");
    await writeBlockerPacket(packetFor("run-1"), d, { OTHER: summary });
    expect(await readFile(summary, "utf8")).toBe("earlier step\n");
    expect((await readdir(d.root)).sort()).toEqual(["checkpoints", "reports", "summary.md"]);
  });
});

describe("findLatestPacket", () => {
  it("is null before any blocked run, and the last written packet after", async () => {
    const d = await dirs();
    expect(await findLatestPacket(d.reportsDir)).toBeNull();
    await writeBlockerPacket(packetFor("run-1"), d);
    const second = packetFor("run-2");
    await writeBlockerPacket(second, d);
    const latest = await findLatestPacket(d.reportsDir);
    expect(latest?.runId).toBe("run-2");
    expect(latest?.blocker.id).toBe("B4′");
  });

  it("refuses a packet edited after it was written instead of reading it as absent", async () => {
    const d = await dirs();
    const w = await writeBlockerPacket(packetFor("run-1"), d);
    const text = await readFile(w.jsonPath, "utf8");
    await writeFile(w.jsonPath, text.replace('"continuity": "new"', '"continuity": "carried"'));
    await expect(findLatestPacket(d.reportsDir)).rejects.toMatchObject({ code: "LATEST_PACKET_DIGEST_MISMATCH" });
  });

  it("refuses a pointer that escapes the reports directory or does not parse", async () => {
    const d = await dirs();
    const w = await writeBlockerPacket(packetFor("run-1"), d);
    const pointerPath = join(d.reportsDir, LATEST_POINTER);
    const pointer = JSON.parse(await readFile(pointerPath, "utf8")) as Record<string, unknown>;
    await writeFile(pointerPath, JSON.stringify({ ...pointer, json: "../elsewhere.json" }));
    await expect(findLatestPacket(d.reportsDir)).rejects.toBeInstanceOf(InputError);
    await writeFile(pointerPath, "{not json");
    await expect(findLatestPacket(d.reportsDir)).rejects.toMatchObject({ code: "JSON_INVALID" });
    await writeFile(pointerPath, JSON.stringify({ ...pointer, jsonSha256: "nope" }));
    await expect(findLatestPacket(d.reportsDir)).rejects.toMatchObject({ code: "LATEST_POINTER_INVALID" });
    expect(w.jsonPath).toContain("run-1");
  });

  it("is null again once a green run clears the pointer", async () => {
    const d = await dirs();
    await writeBlockerPacket(packetFor("run-1"), d);
    await clearLatestPacket(d.reportsDir);
    expect(await findLatestPacket(d.reportsDir)).toBeNull();
  });
});
