// Blocked-path time: from CLI start to blocker packet written, on a venue with no engine,
// as a ratio to a bare `node -e 0` measured in the same run. Target: ≤ 3×.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, report, root } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);

function time(cmd, args, env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, status: result.status, stderr: String(result.stderr) };
}

const scratch = mkdtempSync(join(tmpdir(), "macro-bench-"));
try {
  const env = {
    ...process.env,
    CI: "",
    DOCKER_HOST: "unix:///nonexistent/docker.sock",
    CONTAINER_HOST: "unix:///nonexistent/podman.sock",
    MACRO_REPORTS_DIR: join(scratch, "reports"),
    MACRO_CHECKPOINTS_DIR: join(scratch, "checkpoints"),
  };
  const baseline = [];
  const blocked = [];
  for (let i = 0; i < RUNS; i += 1) {
    baseline.push(time(process.execPath, ["-e", "0"], env).ms);
    const run = time(process.execPath, ["apps/macro/bin.js", "run"], env);
    if (run.status !== 3) throw new Error(`expected exit 3 (blocked), got ${run.status}: ${run.stderr}`);
    blocked.push(run.ms);
  }
  report("blocked path (CLI start → packet written)", [
    { name: "node -e 0 (baseline)", ms: median(baseline) },
    { name: "macro run → blocked, packet written", ms: median(blocked), ratio: median(blocked) / median(baseline), target: "≤ 3×" },
  ]);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
