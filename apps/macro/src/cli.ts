import { runCli } from "./main.ts";

// The one place that turns a result into the process's exit code.
process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
