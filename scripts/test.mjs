// `pnpm test`: every package's tests through turbo (which builds what they need first), shown
// as one line per package and the failures in full, then one closing line that adds up what
// each package's vitest reported — "Tests: N passed, N failed, N skipped" — which CI reads, so
// its wording never changes. The whole output, every line of every task, goes to a log file
// named at the end. Turbo's NDJSON mode (`--json`) says which task each line belongs to.
import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

const logDir = join(process.cwd(), ".turbo");
mkdirSync(logDir, { recursive: true });
const logPath = join(logDir, "test.log");
const log = createWriteStream(logPath);

// The test tasks turbo means to run, so that one it never starts (a task it depends on failed)
// is listed as not run rather than left out.
const planned = (() => {
  const dry = spawnSync("pnpm", ["exec", "turbo", "run", "test", "--dry-run=json", ...process.argv.slice(2)], { encoding: "utf8", env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } });
  try {
    return JSON.parse(dry.stdout).tasks.map((t) => t.taskId).filter((id) => typeof id === "string" && id.endsWith("#test"));
  } catch {
    return [];
  }
})();

// --continue: a failing package must not get the others killed mid-run, which would skip their
// teardown (the leak guard's cleanup among it) and hide their own results from the count.
const child = spawn("pnpm", ["exec", "turbo", "run", "test", "--json", "--continue", ...process.argv.slice(2)], {
  stdio: ["ignore", "pipe", "pipe"],
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
});

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
const out = (text) => process.stdout.write(`${text}\n`);
/** Per test task: its lines, its counts, whether turbo replayed it from cache. */
const tasks = new Map();
const turboLines = [];
const turboErrors = [];

createInterface({ input: child.stdout }).on("line", (line) => {
  let event;
  try {
    event = JSON.parse(line);
  } catch {
    event = { source: "turbo", level: "info", text: line };
  }
  const source = typeof event?.source === "string" ? event.source : "turbo";
  const text = String(event?.text ?? "").replace(ANSI, "");
  log.write(`${source === "turbo" ? "" : `${source}: `}${text}\n`);
  if (source === "turbo") {
    turboLines.push(text);
    if (event.level !== "info") turboErrors.push(text);
    return;
  }
  let task = tasks.get(source);
  if (task === undefined) {
    task = { lines: [], counts: null, cached: /^cache hit/.test(text), start: event.timestamp, end: event.timestamp };
    tasks.set(source, task);
  }
  task.lines.push(text);
  task.end = event.timestamp ?? task.end;
  const counts = vitestCounts(text);
  if (counts !== null) task.counts = counts;
});
child.stderr.on("data", (chunk) => {
  log.write(chunk);
  process.stderr.write(chunk);
});

child.on("close", (code) => {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const tests = [...tasks].filter(([source]) => source.endsWith("#test"));
  const notRun = planned.filter((id) => !tasks.has(id));
  const width = Math.max(0, ...[...tests.map(([source]) => source), ...notRun].map((source) => source.length - 5));
  for (const [source, task] of tests) {
    const c = task.counts;
    if (c !== null) for (const k of Object.keys(totals)) totals[k] += c[k];
    const failed = failedTask(task, source);
    const empty = task.lines.some((l) => /No test files found/.test(l));
    // Started but never summarised: stopped when another task failed (turbo ends the rest), or crashed.
    const cut = c === null && !empty && !failed && code !== 0;
    const mark = failed ? "✖" : cut ? "·" : "✔";
    const what = c === null ? (empty ? "no test files" : cut ? "stopped before vitest reported" : "no vitest summary") : `${c.passed} passed${c.failed > 0 ? `, ${c.failed} failed` : ""}${c.skipped > 0 ? `, ${c.skipped} skipped` : ""}`;
    const when = task.cached ? "cached" : `${((task.end - task.start) / 1000).toFixed(1)} s`;
    out(`${mark} ${source.slice(0, -5).padEnd(width)}  ${what.padEnd(34)} ${when}`);
  }
  for (const source of notRun) out(`· ${source.slice(0, -5).padEnd(width)}  not run (a task it depends on failed or the run stopped)`);
  for (const [source, task] of tasks) {
    if (!failedTask(task, source)) continue;
    out(`\n── ${source} ${"─".repeat(Math.max(0, 70 - source.length))}`);
    out(failureSection(task.lines).join("\n"));
  }
  const summary = turboLines.filter((l) => /^\s*(Tasks|Cached|Time|Failed):/.test(l));
  if (summary.length > 0) out(`\n${summary.join("\n")}`);
  if (turboErrors.length > 0) out(turboErrors.join("\n"));
  out(`Full log: ${logPath}`);
  log.end();
  out(`\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exitCode = code ?? 1;
});

/** vitest's summary line: "Tests  3 failed | 29 passed | 2 skipped (34)"; todo counts as skipped. */
function vitestCounts(line) {
  if (!/^\s*Tests\s{2,}\d/.test(line)) return null;
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const [, n, kind] of line.matchAll(/(\d+) (passed|failed|skipped|todo)/g)) counts[kind === "todo" ? "skipped" : kind] += Number(n);
  return counts;
}

/** A task failed if vitest counted a failure or turbo named it among the failed (a crash, a build error). */
function failedTask(task, source) {
  if (task.counts !== null && task.counts.failed > 0) return true;
  return turboLines.some((l) => /^\s*Failed:/.test(l) && l.includes(source));
}

/**
 * vitest's own account of what failed (from its "Failed Tests"/"Failed Suites"/"Unhandled
 * Errors" banner to its summary); without one (a build error, a crash) the task's last lines.
 */
function failureSection(lines) {
  const start = lines.findIndex((l) => /⎯{2,}.*(Failed Tests|Failed Suites|Unhandled Error)/.test(l));
  if (start < 0) return lines.slice(-60);
  const end = lines.findIndex((l, i) => i > start && /^\s*Test Files\s/.test(l));
  return lines.slice(start, end < 0 ? undefined : end);
}
