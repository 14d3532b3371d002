import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFECT_FINDING, generatePacket, type DefectKind } from "./generate.ts";
import { everyDefect, inspectOk, sha256, tempDir } from "./test-support.ts";

const ALL = everyDefect(0.02);

async function digestOf(dir: string): Promise<string[]> {
  const names = ["manifest.json", "schema.json", "data/authors.ndjson", "data/articles.ndjson"];
  return Promise.all(names.map(async (n) => `${n} ${sha256(await readFile(path.join(dir, n)))}`));
}

describe("generatePacket", () => {
  it("[#21] the same seed and options give byte-identical packets; another seed does not", async () => {
    const opts = { seed: 42, targetBytes: 300_000, defects: ALL };
    const a = await tempDir();
    const b = await tempDir();
    const c = await tempDir();
    const ra = await generatePacket({ ...opts, dir: a });
    const rb = await generatePacket({ ...opts, dir: b });
    await generatePacket({ ...opts, seed: 43, dir: c });
    expect(await digestOf(b)).toEqual(await digestOf(a));
    expect(rb).toEqual(ra);
    expect(await digestOf(c)).not.toEqual(await digestOf(a));
    const total = ra.manifest.files.reduce((s, f) => s + f.bytes, 0);
    expect(total).toBeGreaterThanOrEqual(300_000);
    expect(total).toBeLessThan(330_000);
  });

  it("[#21] every injected defect is reported exactly as often as it was injected", async () => {
    for (const seed of [1, 7, 2026]) {
      const dir = await tempDir();
      const { injected } = await generatePacket({ dir, seed, targetBytes: 400_000, defects: ALL });
      const report = await inspectOk(dir);
      const counts = Object.fromEntries(
        (Object.keys(injected) as DefectKind[]).map((k) => [k, report.statistics.findingsByCode[DEFECT_FINDING[k]] ?? 0]),
      );
      expect(counts).toEqual(injected);
      expect(injected.type + injected["pk-dup"] + injected.dangling + injected.utf8 + injected.secret).toBeGreaterThan(20);
      // Nothing else is reported: the generator's clean records are clean.
      const others = Object.keys(report.statistics.findingsByCode).filter((c) => !Object.values(DEFECT_FINDING).includes(c as never));
      expect(others).toEqual([]);
    }
  });

  it("[#21] a packet generated without defects inspects clean", async () => {
    const dir = await tempDir();
    const { injected } = await generatePacket({ dir, seed: 5, targetBytes: 100_000 });
    expect(Object.values(injected).every((n) => n === 0)).toBe(true);
    const r = await inspectOk(dir);
    expect(r.verdict).toBe("clean");
    expect(r.statistics.totals.records).toBeGreaterThan(100);
  });
});
