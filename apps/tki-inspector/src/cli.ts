import {
  confineWrites,
  guardedOutDir,
  GuardViolation,
  inspectPacket,
  liveGuardContext,
  lockdownNetwork,
  PacketInputError,
  runGuards,
  writeReport,
  type GuardContext,
  type GuardInputs,
  type InspectionReport,
} from "@macro/inspector";
import { ExitCode } from "@macro/ssot";
import { parseArgs, USAGE } from "./args.ts";

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  /** What the guards observe; the real process unless a test stands in a sandbox. */
  guardContext?: (inputs: GuardInputs, env: NodeJS.ProcessEnv) => GuardContext;
  /** Seals the process before the packet is read; permanent, so tests of the success path stand in. */
  lockdown?: (outDir: string) => void;
}

function lockdown(outDir: string): void {
  lockdownNetwork();
  confineWrites(outDir);
}

const NAME = "tki-inspector";

/** One line, whatever the message carries: a guard refusal is read by machines as well. */
const oneLine = (text: string): string => text.replace(/\s*[\r\n]+\s*/g, " ").trim();

function summary(report: InspectionReport, written: { jsonPath: string; markdownPath: string }, json: boolean): string {
  const { totals } = report.statistics;
  if (json) {
    return JSON.stringify({
      status: "REPORT_WRITTEN",
      packet: report.packet.id,
      verdict: report.verdict,
      records: totals.records,
      findings: totals.findings,
      errors: totals.errors,
      warnings: totals.warnings,
      report: { json: written.jsonPath, markdown: written.markdownPath },
    });
  }
  return (
    `${NAME}: ${report.verdict === "clean" ? "CLEAN" : "DEFECTS"} packet ${report.packet.id}: ` +
    `${totals.records} records, ${totals.findings} findings (${totals.errors} errors, ${totals.warnings} warnings); ` +
    `report written to ${written.jsonPath} and ${written.markdownPath}`
  );
}

/**
 * The whole program, as a function of argv and io returning the exit code. Order matters:
 * arguments, then the guards (nothing written, no packet read), then the lockdown (no
 * network, no child process, writes only inside --out), and only then the packet.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    io.stderr.write(`${NAME}: ${parsed.error.message}\n\n${USAGE}`);
    return ExitCode.usage;
  }
  const command = parsed.value;
  if (command.kind === "help") {
    io.stdout.write(USAGE);
    return ExitCode.closed;
  }
  const out = guardedOutDir(command.out, command.packetDir);
  if (!out.ok) {
    io.stderr.write(`${NAME}: ${out.error.message}\n`);
    return ExitCode.usage;
  }
  const inputs = { attestationFile: command.attestation, attestationKey: command.attestationKey, runId: command.runId };
  const verdict = runGuards((io.guardContext ?? liveGuardContext)(inputs, io.env));
  if (!verdict.ok) {
    io.stderr.write(`${NAME}: BLOCKED ${verdict.code}: ${oneLine(verdict.reason)}\n`);
    return ExitCode.blocked;
  }
  try {
    (io.lockdown ?? lockdown)(out.value);
    // This one file is also the check workers' script: started as one, it serves (main.ts).
    const inspected = await inspectPacket({ packetDir: command.packetDir, workerScript: new URL(import.meta.url) });
    if (!inspected.ok) {
      io.stderr.write(`${NAME}: ${oneLine(inspected.error.message)}\n`);
      return ExitCode.usage;
    }
    const written = await writeReport(inspected.value, out.value, { packetDir: command.packetDir });
    io.stdout.write(`${summary(inspected.value, written, command.json)}\n`);
    return ExitCode.closed;
  } catch (error) {
    if (error instanceof GuardViolation) {
      io.stderr.write(`${NAME}: BLOCKED ${error.code}: ${oneLine(error.message)}\n`);
      return ExitCode.blocked;
    }
    if (error instanceof PacketInputError) {
      io.stderr.write(`${NAME}: ${oneLine(error.message)}\n`);
      return ExitCode.usage;
    }
    throw error;
  }
}
