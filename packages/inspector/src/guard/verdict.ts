import { ExitCode, MacroError } from "@macro/ssot";

/**
 * Every reason the harness refuses to run. P1 and L3 name the layers of the seed's
 * guard design (attestation bound to this run; in-process sandbox self-check).
 */
export const GUARD_CODES = [
  "P1_NO_ATTESTATION",
  "P1_ATTESTATION_MISMATCH",
  "P1_ATTESTATION_UNSIGNED",
  "L3_ROOT_WRITABLE",
  "L3_NETWORK",
  "L3_ROOT_USER",
  "L3_NO_NEW_PRIVS",
  "L3_SECCOMP",
  "ENV_DATABASE_URL",
  "ENV_CREDENTIAL",
] as const;
export type GuardCode = (typeof GUARD_CODES)[number];

export type GuardBlock = { ok: false; code: GuardCode; reason: string };
export type GuardVerdict = { ok: true } | GuardBlock;

export const PASS: GuardVerdict = { ok: true };
export const block = (code: GuardCode, reason: string): GuardBlock => ({ ok: false, code, reason });

/**
 * Thrown when code running after lockdown reaches for a refused capability: the network,
 * a child process, or a write outside --out. It is a throw, not a result: a well-behaved
 * inspector never gets here, so reaching it means a dependency or a defect tried to act
 * outside its box, and the run must stop as BLOCKED.
 */
export class GuardViolation extends MacroError {
  readonly api: string;
  constructor(api: string, refused: "network" | "write" = "network", detail?: string) {
    const code = refused === "network" ? "GUARD_NETWORK_REFUSED" : "GUARD_WRITE_REFUSED";
    const what = refused === "network" ? "network use refused" : "write outside --out refused";
    super(code, `${what}: ${api}${detail === undefined ? "" : ` (${detail})`}`, ExitCode.blocked);
    this.name = "GuardViolation";
    this.api = api;
  }
}
