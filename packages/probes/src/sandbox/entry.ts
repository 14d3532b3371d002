// The bundled program that runs inside the attestation container (dist/probe-entry.js).
import { runEntry } from "./entry-main.ts";

process.exitCode = await runEntry(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
