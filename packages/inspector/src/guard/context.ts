import { readdirSync, readFileSync } from "node:fs";

/** What the caller was told on the command line; env fallbacks are applied by `runGuards`. */
export interface GuardInputs {
  attestationFile?: string | undefined;
  /** The run's ephemeral ed25519 public key, base64 of its SPKI DER: the attestation must verify under it. */
  attestationKey?: string | undefined;
  runId?: string | undefined;
}

/**
 * Everything the guards observe, injected so each check is unit-tested on any host.
 * Readers throw on failure (like `fs`); the checks turn every throw into a refusal.
 */
export interface GuardContext {
  inputs: GuardInputs;
  env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): Uint8Array;
  readDir(path: string): string[];
  getuid(): number;
  geteuid(): number;
}

/** The context of the running process: the real /proc, /sys, environment and ids. */
export function liveGuardContext(inputs: GuardInputs, env: NodeJS.ProcessEnv = process.env): GuardContext {
  return {
    inputs,
    env,
    readFile: (path) => readFileSync(path),
    readDir: (path) => readdirSync(path),
    getuid: () => process.getuid?.() ?? 0,
    geteuid: () => process.geteuid?.() ?? 0,
  };
}
