import "./zod-jitless.ts";
import { runCli } from "./main.ts";

// Ctrl-C (or SIGTERM) aborts the command: the running track is stopped and its container
// removed before the process ends; a second Ctrl-C leaves at once.
const interrupt = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    process.stderr.write(`\nmacro: ${signal}: stopping and cleaning up (again to quit at once)\n`);
    interrupt.abort();
    process.once(signal, () => process.exit(130));
  });
}

// The one place that turns a result into the process's exit code. No top-level await: the CLI
// is bundled as CommonJS so that bin.cjs can load it through V8's code cache (see boot.cjs).
void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: interrupt.signal,
}).then((code) => {
  process.exitCode = code;
});
