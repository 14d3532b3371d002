// `pnpm test`: every package's tests through turbo (which builds what they need first), then
// one closing line that adds up what each package's vitest reported, so a reader — or CI —
// sees the whole count: "Tests: N passed, N failed, N skipped".
import { spawn } from "node:child_process";

// --continue: a failing package must not get the others killed mid-run, which would skip their
// teardown (the leak guard's cleanup among it) and hide their own results from the count.
const child = spawn("pnpm", ["exec", "turbo", "run", "test", "--continue", ...process.argv.slice(2)], {
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
});
const totals = { passed: 0, failed: 0, skipped: 0 };
let pending = "";
const ANSI = /\u001b\[[0-9;]*m/g;
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  pending += chunk.toString("utf8");
  const lines = pending.split("\n");
  pending = lines.pop() ?? "";
  for (const line of lines) count(line);
});
child.on("close", (code) => {
  count(pending);
  process.stdout.write(`\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
  process.exitCode = code ?? 1;
});

function count(raw) {
  const line = raw.replace(ANSI, "");
  // vitest's summary: "Tests  3 failed | 29 passed | 2 skipped (34)"
  if (!/\bTests\s{2,}\d/.test(line)) return;
  for (const [, n, kind] of line.matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
    totals[kind === "todo" ? "skipped" : kind] += Number(n);
  }
}
