// `pnpm macro …` must work on a fresh clone: build the CLI and what it depends on first.
// Turbo's cache makes this a no-op when nothing changed. Output goes to stderr so that
// `--json` keeps stdout clean.
import { spawnSync } from "node:child_process";

const result = spawnSync(
  "pnpm",
  ["exec", "turbo", "run", "build", "--filter=@macro/cli...", "--filter=@macro/tki-inspector", "--output-logs=errors-only", "--log-prefix=none"],
  { stdio: ["ignore", 2, 2], env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" } },
);
if (result.status !== 0) {
  process.stderr.write("macro: build failed (see above)\n");
  process.exit(1);
}
