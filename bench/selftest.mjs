// The conformance kit's cost on every `macro run`: `macro selftest --json` reports the time the
// kit itself took in-process (every case built from the SSOT and judged); printed beside the
// whole command and a bare `node -e 0` measured in the same run. Target: the kit ≤ 150 ms.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { median, report, root } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);

function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, stdout: result.stdout, status: result.status };
}

const node = [];
const command = [];
const kit = [];
let cases = 0;
for (let i = 0; i < RUNS; i++) {
  node.push(time(["-e", "0"]).ms);
  const run = time([join(root, "apps/macro/bin.cjs"), "selftest", "--json"]);
  if (run.status !== 0) throw new Error(`macro selftest exited ${run.status}`);
  const out = JSON.parse(run.stdout);
  cases = out.cases;
  command.push(run.ms);
  kit.push(out.ms);
}
const base = median(node);
report(`conformance kit (${cases} cases, median of ${RUNS})`, [
  { name: "node -e 0 (baseline)", ms: base },
  { name: "macro selftest --json (whole command)", ms: median(command), ratio: median(command) / base },
  { name: "the kit itself, in-process (added to every run)", ms: median(kit), ratio: median(kit) / base, target: "≤ 150 ms" },
]);
