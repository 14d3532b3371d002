import "./zod-jitless.ts";
import { runCli } from "./main.ts";

/** As a shell reports a process ended by the signal: 128 + its number. */
const SIGNAL_EXIT = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;
type Handled = keyof typeof SIGNAL_EXIT;
/** Long enough for the running container to be removed; a wind-down that hangs past it is cut. */
const GRACE_MS = 20_000;

// Any of these aborts the command: the running track is stopped and its container removed
// before the process ends. A second signal, or a wind-down past the grace, leaves at once.
const interrupt = new AbortController();
let received: Handled | null = null;
for (const signal of Object.keys(SIGNAL_EXIT) as Handled[]) {
  process.on(signal, () => {
    if (received !== null) {
      process.exit(SIGNAL_EXIT[received]);
    }
    received = signal;
    process.stderr.write(`\nmacro: ${signal}: stopping and cleaning up (again to quit at once)\n`);
    interrupt.abort();
    setTimeout(() => {
      process.stderr.write(`macro: ${signal}: cleanup took longer than ${GRACE_MS / 1000} s; quitting\n`);
      process.exit(SIGNAL_EXIT[signal]);
    }, GRACE_MS).unref();
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
  // Interrupted: the exit code says by which signal (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP). The
  // command has cleaned up and returned; what is left (a venue probe's child waiting out its
  // timeout) was abandoned on purpose, so the process ends now rather than when it finishes.
  const exitCode = received !== null && code === 130 ? SIGNAL_EXIT[received] : code;
  // Ended with its result: what is left running is abandoned work (a venue probe asking a silent
  // engine, started alongside the SSOT read) that must not hold the exit for its timeout. The
  // streams are drained first so nothing printed is lost.
  void Promise.all([drained(process.stdout), drained(process.stderr)]).then(() => process.exit(exitCode));
});

function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((done) => {
    if (stream.writableLength === 0) done();
    else stream.write("", () => done());
  });
}
