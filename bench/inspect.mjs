// Inspector throughput and memory on generated packets of growing size. Throughput is a ratio
// to `openssl dgst -sha256` over the same files, measured in the same run (target ≥ 0.25×);
// peak RSS is measured per size in a fresh process (target: flat, ≤ 256 MB). Each inspection
// is a fresh process, so every figure includes the JIT's warm-up, as a real run does. What is
// measured is the inspector core bundled as the product bundles it (bench/inspector.mjs, built
// here by tsup with bench/tsup.config.ts). It runs as it chooses (check workers from 128 MiB on
// a machine with cores to spare); for comparison, once more on the main thread alone, and once
// from the library build, whose import of all of @macro/ssot and zod costs a full GC mid-run.
// BENCH_SIZES_MB (default "10,100,1024") and BENCH_RUNS (default 5: the machine this was built on
// runs the same code ±25 % from one minute to the next, and a median of 3 followed it) change the work.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "tsup";
import { median, report, root } from "./lib.mjs";

process.chdir(root);
await build({ config: "bench/tsup.config.ts", silent: true });
const CORE = join(root, "bench/.build/inspector.js");
const LIBRARY = join(root, "packages/inspector/dist/index.js");
const ONE = join(root, "bench/inspect-one.mjs");

const { generatePacket } = await import(pathToFileURL(LIBRARY).href);
const SIZES = (process.env.BENCH_SIZES_MB ?? "10,100,1024").split(",").map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function timed(cmd, args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, stdout: r.stdout };
}

for (const mb of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), "macro-bench-inspect-"));
  try {
    const { manifest } = await generatePacket({
      dir,
      seed: 1,
      targetBytes: mb * 1024 * 1024,
      defects: [
        { kind: "type", rate: 0.001 },
        { kind: "dangling", rate: 0.001 },
        { kind: "secret", rate: 0.001 },
      ],
    });
    const files = manifest.files.map((f) => join(dir, f.path));
    const bytes = manifest.files.reduce((s, f) => s + f.bytes, 0);
    const baseline = [];
    const inspect = [];
    const alone = [];
    const library = [];
    let rss = 0;
    // Interleaved, so a slow spell of the machine hits each about alike.
    for (let i = 0; i < RUNS; i += 1) {
      baseline.push(timed("openssl", ["dgst", "-sha256", ...files]).ms);
      const out = JSON.parse(timed(process.execPath, [ONE, CORE, dir]).stdout);
      inspect.push(out.ms);
      rss = Math.max(rss, out.maxRssBytes);
      alone.push(JSON.parse(timed(process.execPath, [ONE, CORE, dir, "0"]).stdout).ms);
      library.push(JSON.parse(timed(process.execPath, [ONE, LIBRARY, dir]).stdout).ms);
    }
    const mbps = (ms) => (bytes / 1024 / 1024) / (ms / 1000);
    report(`inspect ${(bytes / 1024 / 1024).toFixed(0)} MB generated packet (${manifest.files.length} files, median of ${RUNS})`, [
      { name: "openssl dgst -sha256 (baseline)", ms: median(baseline), value: undefined },
      { name: `tki-inspector core (inspectPacket, ${availableParallelism()} cores)`, ms: median(inspect) },
      { name: "  the same on the main thread alone", ms: median(alone), ratio: median(baseline) / median(alone) },
      { name: "  the same from the library build", ms: median(library), ratio: median(baseline) / median(library) },
      { name: "throughput vs openssl", value: `${mbps(median(inspect)).toFixed(1)} MB/s vs ${mbps(median(baseline)).toFixed(1)} MB/s`, ratio: median(baseline) / median(inspect), target: "≥ 0.25×" },
      { name: "peak RSS", value: `${(rss / 1024 / 1024).toFixed(0)} MB`, target: "flat, ≤ 256 MB" },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
