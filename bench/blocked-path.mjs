// Blocked-path time: from CLI start to blocker packet written, on a venue with no engine,
// as a ratio to a bare `node -e 0` measured in the same run. Target: ≤ 3×. The headline is a
// run as users get it after the first one (V8's code cache filled, see apps/macro/boot.cjs);
// the first run after a build and a run with the cache off are printed beside it.
// The run's own log splits each run into phases (start-up, machine, packet and records), so a
// regression can be placed without a profiler. BENCH_BIN times another build of the CLI
// (e.g. a copy of an older dist/cli.js) for a before/after in the same conditions.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { median, report, root } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const BIN = resolve(root, process.env.BENCH_BIN ?? "apps/macro/bin.cjs");

function time(cmd, args, env) {
  const startedAt = Date.now();
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, startedAt, endedAt: startedAt + ms, status: result.status, stderr: String(result.stderr) };
}

/** The `time` of the "run started" and "run finished" lines of the one log this run wrote. */
function logMarks(logsDir, before) {
  const fresh = readdirSync(logsDir).filter((name) => !before.has(name));
  if (fresh.length !== 1) throw new Error(`expected one new run log in ${logsDir}, found ${fresh.length}`);
  const name = fresh[0];
  before.add(name);
  const marks = {};
  for (const line of readFileSync(join(logsDir, name), "utf8").split("\n")) {
    if (line === "") continue;
    const entry = JSON.parse(line);
    if (entry.msg === "run started" || entry.msg === "run finished") marks[entry.msg] = entry.time;
  }
  if (marks["run started"] === undefined || marks["run finished"] === undefined) throw new Error(`run log ${name} lacks its start or finish line`);
  return marks;
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
    // A cache of the bench's own, so the first run below really starts from an empty one.
    MACRO_CODE_CACHE_DIR: join(scratch, "code-cache"),
  };
  const uncached = { ...env, MACRO_CODE_CACHE: "0" };
  const logsDir = join(scratch, "reports", "logs");
  const seenLogs = new Set();
  const baseline = [];
  const blocked = [];
  const phases = { startup: [], machine: [], after: [] };
  const withoutCache = [];
  // The first run after a build compiles the bundle and leaves V8's code cache behind.
  const first = time(process.execPath, [BIN, "run"], env);
  if (first.status !== 3) throw new Error(`expected exit 3 (blocked), got ${first.status}: ${first.stderr}`);
  logMarks(logsDir, seenLogs);
  for (let i = 0; i < RUNS; i += 1) {
    baseline.push(time(process.execPath, ["-e", "0"], env).ms);
    const run = time(process.execPath, [BIN, "run"], env);
    if (run.status !== 3) throw new Error(`expected exit 3 (blocked), got ${run.status}: ${run.stderr}`);
    blocked.push(run.ms);
    // Log times are wall-clock milliseconds: good enough to place tens of milliseconds.
    const marks = logMarks(logsDir, seenLogs);
    phases.startup.push(marks["run started"] - run.startedAt);
    phases.machine.push(marks["run finished"] - marks["run started"]);
    phases.after.push(run.endedAt - marks["run finished"]);
    const cold = time(process.execPath, [BIN, "run"], uncached);
    if (cold.status !== 3) throw new Error(`expected exit 3 (blocked), got ${cold.status}: ${cold.stderr}`);
    withoutCache.push(cold.ms);
    logMarks(logsDir, seenLogs);
  }
  report(`blocked path (CLI start → packet written)${process.env.BENCH_BIN ? ` — ${BIN}` : ""}`, [
    { name: "node -e 0 (baseline)", ms: median(baseline) },
    { name: "macro run → blocked, packet written", ms: median(blocked), ratio: median(blocked) / median(baseline), target: "≤ 3×" },
    { name: "  start → run started (load, SSOT, logger)", ms: median(phases.startup) },
    { name: "  run started → run finished (the machine)", ms: median(phases.machine) },
    { name: "  run finished → exit (packet, record, ledger)", ms: median(phases.after) },
    { name: "first run after a build (fills the code cache)", ms: first.ms, ratio: first.ms / median(baseline) },
    { name: "with the code cache off (MACRO_CODE_CACHE=0)", ms: median(withoutCache), ratio: median(withoutCache) / median(baseline) },
  ]);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
