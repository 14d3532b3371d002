// Inspector throughput on a generated packet, as a ratio to a bare streaming sha256 of the
// same files measured in the same run (the floor any single-pass reader pays), plus the
// peak heap, which must stay flat as the packet grows. Needs `pnpm build` (run by `pnpm bench`).
// BENCH_MB (default 64) sets the packet size.
import { createHash } from "node:crypto";
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { median, report, root } from "./lib.mjs";

const { generatePacket, inspectPacket } = await import(pathToFileURL(join(root, "packages/inspector/dist/index.js")).href);
const MB = Number(process.env.BENCH_MB ?? 64);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function hashFile(file) {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) h.update(chunk);
  return h.digest("hex");
}

const dir = mkdtempSync(join(tmpdir(), "macro-bench-inspect-"));
try {
  const { manifest } = await generatePacket({
    dir,
    seed: 1,
    targetBytes: MB * 1024 * 1024,
    defects: [
      { kind: "type", rate: 0.001 },
      { kind: "dangling", rate: 0.001 },
      { kind: "secret", rate: 0.001 },
    ],
  });
  const bytes = manifest.files.reduce((s, f) => s + f.bytes, 0);
  const baseline = [];
  const inspect = [];
  let peakHeap = 0;
  for (let i = 0; i < RUNS; i += 1) {
    let t = process.hrtime.bigint();
    for (const f of manifest.files) await hashFile(join(dir, f.path));
    baseline.push(Number(process.hrtime.bigint() - t) / 1e6);
    const timer = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);
    t = process.hrtime.bigint();
    const r = await inspectPacket({ packetDir: dir });
    inspect.push(Number(process.hrtime.bigint() - t) / 1e6);
    clearInterval(timer);
    if (!r.ok) throw new Error(r.error.message);
  }
  const mbps = (ms) => `${((bytes / 1024 / 1024) / (ms / 1000)).toFixed(1)} MB/s`;
  report(`inspect (${(bytes / 1024 / 1024).toFixed(1)} MB generated packet, median of ${RUNS})`, [
    { name: "streaming sha256 of the data files (baseline)", ms: median(baseline) },
    { name: "inspectPacket", ms: median(inspect), ratio: median(inspect) / median(baseline) },
    { name: "inspectPacket throughput", value: mbps(median(inspect)) },
    { name: "peak heapUsed during inspection", value: `${(peakHeap / 1024 / 1024).toFixed(1)} MB` },
  ]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
