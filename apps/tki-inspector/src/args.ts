import { parseArgs as parseNodeArgs } from "node:util";
import { err, ok, type Result } from "@macro/ssot";

export const USAGE = `tki-inspector — offline packet inspector (runs inside an attested sandbox)

Usage:
  tki-inspector inspect <packetDir> --out <dir> --attestation <file> --attestation-key <base64> --run-id <id> [--json]
  tki-inspector --help

Options:
  --out <dir>                  where report.json and report.md are written (outside the packet; nothing else is written)
  --attestation <file>         the verified sandbox attestation of this run   (or MACRO_ATTESTATION)
  --attestation-key <base64>   the run's ed25519 public key (SPKI DER, base64) (or MACRO_ATTESTATION_KEY)
  --run-id <id>                the run the attestation must be bound to        (or MACRO_RUN_ID)
  --json                       print the one-line summary as JSON

Guards, in order (any failure: one line on stderr, exit 3, nothing written):
  P1 attestation present, signed by the run's key, verdict ATTESTED, bound to --run-id
  ENV no database URL or credential in the environment
  L3 read-only root, loopback only, non-root, NoNewPrivs 1, Seccomp 2

Exit codes: 0 report written, 2 bad usage or bad packet, 3 blocked by a guard, 1 internal defect.
`;

export type Command =
  | { kind: "help" }
  | {
      kind: "inspect";
      packetDir: string;
      out: string;
      attestation: string | undefined;
      attestationKey: string | undefined;
      runId: string | undefined;
      json: boolean;
    };

export interface UsageError {
  message: string;
}

/** Turns argv (without node and the script) into a command; every mistake is a usage error. */
export function parseArgs(argv: readonly string[]): Result<Command, UsageError> {
  let parsed;
  try {
    parsed = parseNodeArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: "boolean", short: "h" },
        out: { type: "string" },
        attestation: { type: "string" },
        "attestation-key": { type: "string" },
        "run-id": { type: "string" },
        json: { type: "boolean" },
      },
    });
  } catch (cause) {
    return err({ message: cause instanceof Error ? cause.message : String(cause) });
  }
  const { values, positionals } = parsed;
  if (values.help === true) return ok({ kind: "help" });
  const [command, packetDir, ...extra] = positionals;
  if (command === undefined) return err({ message: "missing command (expected: inspect <packetDir> --out <dir> …)" });
  if (command !== "inspect") return err({ message: `unknown command '${command}' (expected: inspect)` });
  if (packetDir === undefined || packetDir === "") return err({ message: "missing <packetDir>" });
  if (extra.length > 0) return err({ message: `unexpected argument '${extra[0] ?? ""}'` });
  if (values.out === undefined || values.out === "") return err({ message: "missing --out <dir>" });
  return ok({
    kind: "inspect",
    packetDir,
    out: values.out,
    attestation: values.attestation,
    attestationKey: values["attestation-key"],
    runId: values["run-id"],
    json: values.json === true,
  });
}
