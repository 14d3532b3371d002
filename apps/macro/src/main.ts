import { ExitCode, MacroError } from "@macro/ssot";
import type { MacroCommand } from "./lib/command.ts";
import type { Io } from "./lib/io.ts";
import { versionLine } from "./lib/version.ts";

type Loader = () => Promise<MacroCommand>;

// One lazily imported module per command: `macro status` never loads the sandbox adapters.
const COMMANDS: Record<string, { description: string; load: Loader }> = {
  run: { description: "Run the program macro end to end (exit 0 closed, 3 blocked, 2 input error, 1 defect)", load: () => import("./commands/run.ts").then((m) => m.default) },
  resume: { description: "Continue an interrupted run from its last checkpoint", load: () => import("./commands/resume.ts").then((m) => m.default) },
  status: { description: "Where the last run stopped, its blocker and its packet", load: () => import("./commands/status.ts").then((m) => m.default) },
  schema: { description: "Print the SSOT's JSON Schema", load: () => import("./commands/schema.ts").then((m) => m.default) },
  attest: { description: "B4′ alone: build the sandbox image, run the probes, write the evidence bundle", load: () => import("./commands/attest.ts").then((m) => m.default) },
  keygen: { description: "Make an ed25519 key pair for signing attestation bundles", load: () => import("./commands/keygen.ts").then((m) => m.default) },
  inspect: { description: "Run tki-inspector on a packet inside an attested throwaway sandbox", load: () => import("./commands/inspect.ts").then((m) => m.default) },
  verify: { description: "Verify an attestation bundle, a run record or the ledger read-only (exit 0 accepted, 3 rejected, 2 unreadable)", load: () => import("./commands/verify.ts").then((m) => m.default) },
  selftest: { description: "Run the conformance kit against the real verifier and binder (exit 0 all as expected, 1 not)", load: () => import("./commands/selftest.ts").then((m) => m.default) },
};

function mainUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.description}`);
  return [
    "macro — evidence-gated program macro",
    "",
    "Usage: macro <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `macro <command> --help` for a command's options; every command also takes --quiet.",
    "`macro --version` prints the version and the git commit it was built from.",
    "Exit codes: 0 closed/accepted, 3 blocked/rejected, 2 usage or input error, 1 internal defect.",
    "",
  ].join("\n");
}

const isCittyUsageError = (error: unknown): error is Error & { code: string } =>
  error instanceof Error && error.name === "CLIError" && typeof (error as { code?: unknown }).code === "string";

/** Parses, delegates, and maps every outcome to an exit code. Nothing else decides exit codes. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h") {
    io.stdout.write(mainUsage());
    return name === undefined ? ExitCode.usage : ExitCode.closed;
  }
  if (name === "--version") {
    if (rest.length > 0) {
      io.stderr.write(`macro: --version takes no arguments\n\n${mainUsage()}`);
      return ExitCode.usage;
    }
    io.stdout.write(versionLine());
    return ExitCode.closed;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) {
    io.stderr.write(`macro: unknown command '${name}'\n\n${mainUsage()}`);
    return ExitCode.usage;
  }
  // Each command checks its own argv (lib/command.ts), --help included.
  const command = await entry.load();
  try {
    const code = await command.run(rest, io);
    // A command that noticed the interrupt and wound down still ends as interrupted.
    return io.signal.aborted ? ExitCode.interrupted : code;
  } catch (error) {
    // Whatever a command threw while winding down after a signal, the run was interrupted.
    if (io.signal.aborted) {
      io.stderr.write(`macro ${name}: interrupted\n`);
      return ExitCode.interrupted;
    }
    if (isCittyUsageError(error)) {
      io.stderr.write(`macro ${name}: ${error.message}\n\n${await command.usage(io.stderr, io.env)}\n`);
      return ExitCode.usage;
    }
    if (error instanceof MacroError) {
      io.stderr.write(`macro ${name}: ${error.message}\n`);
      if (error.exitCode === ExitCode.internal) io.stderr.write("This is a defect in macro; please report it with the run log.\n");
      return error.exitCode;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(`macro ${name}: internal defect: ${detail}\nPlease report it with the run log.\n`);
    return ExitCode.internal;
  }
}
