import { isMainThread } from "node:worker_threads";
import { ExitCode, MacroError } from "@macro/ssot";
import { runCli } from "./cli.ts";

// The only place that decides how the process ends. Anything thrown past runCli is a defect
// in the inspector itself. The message is left out on purpose (it could quote packet data,
// and secrets must never be echoed); the error's name, code and stack frames locate the defect.
async function main(): Promise<void> {
  try {
    process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
  } catch (error) {
    const name = error instanceof Error ? error.name : typeof error;
    const code = error instanceof MacroError ? ` ${error.code}` : "";
    const frames = error instanceof Error ? (error.stack ?? "").split("\n").filter((line) => line.trimStart().startsWith("at ")) : [];
    process.stderr.write(`tki-inspector: internal defect (${name}${code})\n${frames.join("\n")}\n`);
    process.exitCode = ExitCode.internal;
  }
}

// This file is also the script of the inspector's check workers (cli.ts passes it): started as
// one, it only serves, which the bundled check-worker module has already begun to do.
if (isMainThread) await main();
