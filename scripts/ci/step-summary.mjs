// The workflow's summary step: turns `macro run --json` (saved by the run step) into a few
// lines of Markdown appended to $GITHUB_STEP_SUMMARY (stdout when not on Actions). It runs on
// every outcome; a run that printed no result (an input error, a crash) is said to have none.
// A blocked run's packet is appended by macro itself; this names where everything is.
// Usage: node scripts/ci/step-summary.mjs <run.json> <artifact name>
import { appendFileSync, readFileSync } from "node:fs";

const [file, artifact] = process.argv.slice(2);
if (file === undefined || artifact === undefined) {
  process.stderr.write("usage: step-summary.mjs <run.json> <artifact name>\n");
  process.exit(2);
}

const cell = (value) => String(value).replace(/[|\\`]/g, (c) => `\\${c}`).replace(/\r?\n/g, " ");
// A pipe ends a table cell even inside a code span unless escaped (GFM).
const code = (value) => `\`${String(value).replace(/`/g, "'").replace(/\|/g, "\\|").replace(/\r?\n/g, " ")}\``;

function read() {
  try {
    const value = JSON.parse(readFileSync(file, "utf8"));
    return typeof value === "object" && value !== null && typeof value.status === "string" && typeof value.runId === "string" ? value : null;
  } catch {
    return null;
  }
}

const run = read();
const lines = [];
if (run === null) {
  lines.push("## macro run — no result", "", `The run printed no result (an input error or a defect: see the step's log). Whatever it wrote is in the artifact ${code(artifact)}.`);
} else {
  const headline = { closed: "CLOSED", blocked: "BLOCKED", aborted: "ABORTED by a defect" }[run.status] ?? cell(run.status).toUpperCase();
  const blocker = run.blocker === null || typeof run.blocker !== "object" ? "" : ` at ${cell(run.blocker.track)} by ${cell(run.blocker.id)}`;
  lines.push(`## macro run — ${headline}${blocker}`, "", "| | |", "| --- | --- |", `| run | ${code(run.runId)} |`, `| record | ${code(run.record)} |`);
  if (run.packet !== null && typeof run.packet === "object") lines.push(`| packet | ${code(run.packet.markdown)} |`);
  if (typeof run.packet?.operator === "string") lines.push(`| operator runbook | ${code(run.packet.operator)} |`);
  lines.push(`| log | ${code(run.log)} |`);
  if (typeof run.error === "string") lines.push(`| error | ${cell(run.error)} |`);
  lines.push("", `Evidence and record (\`reports/\`, \`checkpoints/\`): artifact ${code(artifact)}.`);
}
const text = `${lines.join("\n")}\n`;
const target = process.env.GITHUB_STEP_SUMMARY;
if (target === undefined || target === "") process.stdout.write(text);
else appendFileSync(target, text);
