// The bundled program that runs inside the attestation container (dist/probe-entry.cjs).
// early-helper.ts comes first: its module starts the syscall helper before the rest loads.
import { earlyBatch } from "./early-helper.ts";
import { runEntry } from "./entry-main.ts";
import { realProbeEnv } from "./real-env.ts";

// Settled before the first probe, so no probe ever runs alongside the helper. By now the load
// has taken longer than the helper, so this waits for nothing. No top-level await: CommonJS.
void earlyBatch.run
  .catch(() => undefined)
  .then(() =>
    runEntry(process.argv.slice(2), {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      probeEnv: realProbeEnv({}, earlyBatch),
    }),
  )
  .then((code) => {
    process.exitCode = code;
  });
