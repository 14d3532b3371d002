import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PacketInputError } from "./errors.ts";
import { renderReportJson, renderReportMarkdown } from "./render.ts";
import { generatePacket } from "./generate.ts";
import { brief, copyFixture, editManifest, fixture, inspectOk, PACKETS, tempDir } from "./test-support.ts";
import { writeReport } from "./write.ts";

const GOLDEN = path.join(PACKETS, "FIX7.expected");

describe("report rendering", () => {
  it("[#16] two runs over the same packet render byte-identical JSON and Markdown", async () => {
    for (const name of ["FIX3", "FIX4", "FIX7"]) {
      const a = await inspectOk(fixture(name));
      const b = await inspectOk(fixture(name));
      expect(renderReportJson(b)).toBe(renderReportJson(a));
      expect(renderReportMarkdown(b)).toBe(renderReportMarkdown(a));
    }
  });

  it("[#16] the JSON has sorted keys and no time but the manifest's export time", async () => {
    const json = renderReportJson(await inspectOk(fixture("FIX7")));
    const parsed = JSON.parse(json) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["findings", "format", "packet", "statistics", "verdict"]);
    expect(json.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/g)).toEqual(["2026-11-01T08:00"]);
  });

  it("[#17] FIX7's report JSON reproduces the committed golden byte for byte", async () => {
    const json = renderReportJson(await inspectOk(fixture("FIX7")));
    if (process.env["UPDATE_GOLDEN"] === "1") {
      await mkdir(GOLDEN, { recursive: true });
      await writeFile(path.join(GOLDEN, "report.json"), json);
    }
    expect(json).toBe(await readFile(path.join(GOLDEN, "report.json"), "utf8"));
  });

  it("[#18] FIX7's report Markdown reproduces the committed golden byte for byte", async () => {
    const md = renderReportMarkdown(await inspectOk(fixture("FIX7")));
    if (process.env["UPDATE_GOLDEN"] === "1") await writeFile(path.join(GOLDEN, "report.md"), md);
    expect(md).toBe(await readFile(path.join(GOLDEN, "report.md"), "utf8"));
  });

  it("[#17] FIX7 holds exactly the defects it was built with (the golden is not just self-agreement)", async () => {
    const r = await inspectOk(fixture("FIX7"));
    expect(brief(r.findings)).toEqual([
      "ENCODING_UTF8 articles 2 -",
      "RECORD_TYPE articles 5 views",
      "RELATION_DANGLING articles 6 author",
      "RECORD_UNKNOWN_FIELD articles 7 colour",
      "LINE_EMPTY articles 8 -",
      "RECORD_JSON articles 9 -",
      "SECRET_AWS_KEY articles 10 body",
      "ENCODING_BOM authors 1 -",
      "PK_DUPLICATE authors 4 id",
      "INTEGRITY_COUNT comments - -",
      "INTEGRITY_SHA256 comments - -",
      // comment 2 points at the article on the undecodable line 2
      "RELATION_DANGLING comments 2 article",
    ]);
    expect(r.verdict).toBe("defects");
    expect(r.statistics.totals).toMatchObject({ errors: 9, warnings: 2, infos: 1, findings: 12 });
  });

  it("[#18] Markdown escapes data-derived text so a record key cannot break the table", async () => {
    const r = await inspectOk(fixture("FIX1"));
    r.findings.push({ code: "PK_DUPLICATE", severity: "error", collection: "a", line: 1, recordKey: "x | y\n# z <b>", field: "id", message: "m" });
    r.statistics.findingsByCode.PK_DUPLICATE = 1;
    const md = renderReportMarkdown(r);
    expect(md).toContain("| a | 1 | x \\| y # z &lt;b> | id | m |");
  });
});

describe("writeReport", () => {
  it("[#19] writes exactly report.json and report.md into outDir and nothing else", async () => {
    const report = await inspectOk(fixture("FIX7"));
    const out = path.join(await tempDir(), "nested", "out");
    const paths = await writeReport(report, out);
    expect((await readdir(out)).sort()).toEqual(["report.json", "report.md"]);
    expect(await readFile(paths.jsonPath, "utf8")).toBe(renderReportJson(report));
    expect(await readFile(paths.markdownPath, "utf8")).toBe(renderReportMarkdown(report));
    // Rewriting replaces the files in place, still nothing else.
    await writeReport(report, out);
    expect((await readdir(out)).sort()).toEqual(["report.json", "report.md"]);
  });

  it("[#19] refuses an outDir inside the packet, writing nothing there", async () => {
    const dir = await copyFixture("FIX1");
    const report = await inspectOk(dir);
    const before = (await readdir(dir, { recursive: true })).sort();
    await expect(writeReport(report, path.join(dir, "data", "out"))).rejects.toBeInstanceOf(PacketInputError);
    await expect(writeReport(report, dir)).rejects.toMatchObject({ code: "REPORT_OUT_DIR" });
    await expect(writeReport(report, path.join(await tempDir(), "x"), { packetDir: path.dirname(dir) })).resolves.toBeDefined();
    expect((await readdir(dir, { recursive: true })).sort()).toEqual(before);
  });

  it("[#19] a failed write leaves no partial report behind", async () => {
    const report = await inspectOk(fixture("FIX1"));
    const out = await tempDir();
    // report.md exists as a directory: the second rename fails after the first temp file was written.
    await mkdir(path.join(out, "report.md"));
    await expect(writeReport(report, out)).rejects.toThrow();
    const left = await readdir(out);
    expect(left.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(left).toEqual(["report.md"]); // only the obstacle we put there; no report.json
  });
});

describe("integrity of schema.json and capped findings", () => {
  it("[#02] a schema.json whose sha256 differs from the manifest is found", async () => {
    const dir = await copyFixture("FIX1");
    await editManifest(dir, (m) => ({ ...m, schema: { path: "schema.json", sha256: "0".repeat(64) } }));
    const r = await inspectOk(dir);
    expect(brief(r.findings)).toEqual(["INTEGRITY_SHA256 - - schema.sha256"]);
    expect(r.verdict).toBe("defects");
  });

  it("[#16] findings past the per-code cap are counted, not listed, and the report says so", async () => {
    const dir = await tempDir();
    const { injected } = await generatePacket({ dir, seed: 11, targetBytes: 100_000, defects: [{ kind: "type", rate: 0.5 }] });
    const r = await inspectOk(dir, { maxFindingsPerCode: 2 });
    expect(r.statistics.findingsByCode.RECORD_TYPE).toBe(injected.type);
    expect(r.findings.filter((f) => f.code === "RECORD_TYPE")).toHaveLength(2);
    expect(brief(r.findings.filter((f) => f.code === "FINDINGS_TRUNCATED"))).toEqual(["FINDINGS_TRUNCATED - - RECORD_TYPE"]);
    expect(renderReportMarkdown(r)).toContain(`### RECORD_TYPE (${injected.type})\n\n${injected.type - 2} not listed (per-code cap).`);
  });

  it("[#19] an outDir reached through a symlink into the packet is refused", async () => {
    const dir = await copyFixture("FIX1");
    const report = await inspectOk(dir);
    const link = path.join(await tempDir(), "sneaky");
    await symlink(path.join(dir, "data"), link);
    await expect(writeReport(report, path.join(link, "out"))).rejects.toMatchObject({ code: "REPORT_OUT_DIR" });
    expect((await readdir(path.join(dir, "data"))).sort()).toEqual(["articles.ndjson", "authors.ndjson", "comments.ndjson"]);
  });
});
