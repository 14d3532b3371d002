// `pnpm macro …` must work on a fresh clone: build the CLI and what it depends on first.
// Turbo's cache makes this a no-op when nothing changed, and then it prints nothing: turbo's
// banner and summary are dropped. A package that is actually rebuilt is named as it starts; a
// failed build shows its full log. Turbo's NDJSON mode (`--json`) says which line is whose.
// Everything goes to stderr so that `--json` keeps stdout clean.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const child = spawn(
  "pnpm",
  ["exec", "turbo", "run", "build", "--filter=@macro/cli...", "--filter=@macro/tki-inspector", "--json", "--output-logs=new-only"],
  { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } },
);

const say = (text) => process.stderr.write(`${text}\n`);
/** Per task: whether its cache hit, and its lines (kept to show if the build fails). */
const tasks = new Map();
const raw = [];

createInterface({ input: child.stdout }).on("line", (line) => {
  let event;
  try {
    event = JSON.parse(line);
  } catch {
    raw.push(line); // not turbo's NDJSON (another turbo?): shown if the build fails
    return;
  }
  const { source, level, text } = event ?? {};
  if (typeof source !== "string" || typeof text !== "string") return raw.push(line);
  if (source === "turbo") {
    // The banner and the summary are info; anything else from turbo itself is worth seeing.
    if (level !== "info") say(text);
    else raw.push(text);
    return;
  }
  let task = tasks.get(source);
  if (task === undefined) {
    task = { cached: /^cache hit/.test(text), lines: [] };
    tasks.set(source, task);
    if (!task.cached) say(`macro: building ${source.replace(/#build$/, "")}`);
  }
  task.lines.push(text);
});
const stderr = [];
child.stderr.on("data", (chunk) => stderr.push(chunk));

child.on("close", (code) => {
  if (code === 0) return;
  for (const [source, task] of tasks) {
    if (task.cached) continue;
    say(`\n── ${source} ──`);
    for (const line of task.lines) say(line);
  }
  if (raw.length > 0) say(raw.join("\n"));
  process.stderr.write(Buffer.concat(stderr));
  say(`macro: build failed (turbo exit ${code ?? "signal"}; see above)`);
  process.exitCode = 1;
});
child.on("error", (error) => {
  say(`macro: could not start the build: ${error.message}`);
  process.exitCode = 1;
});
