import { execFile } from "node:child_process";
import type { HelperRun } from "./env.ts";

// Kept free of zod and of every other probe module: entry.ts imports this first, so that the
// helper's one exec starts before the rest of the program is even loaded (see early-helper.ts).

/** Where the attestation image keeps the helper; MACRO_SYSCALL_HELPER overrides it. */
export const DEFAULT_HELPER_PATH = "/opt/macro/syscall-probe";

/** Every helper command a probe issues (P03, P04, P05, P07), with its exact arguments. */
export const HELPER_COMMANDS = {
  mount: ["mount", "/tmp"],
  unshare: ["unshare"],
  sentinels: ["sentinels"],
  nnp: ["nnp"],
} as const satisfies Record<string, readonly string[]>;

/** `batch a -- b -- …`: every command of HELPER_COMMANDS in one exec, in their order. */
export function batchArgs(): string[] {
  return ["batch", ...Object.values(HELPER_COMMANDS).flatMap((command, i) => (i === 0 ? [...command] : ["--", ...command]))];
}

export function helperPath(): string {
  return process.env.MACRO_SYSCALL_HELPER ?? DEFAULT_HELPER_PATH;
}

/** One exec of the helper, with an empty environment; a spawn failure rejects, an exit or kill resolves. */
export function runHelperAt(path: string, args: string[]): Promise<HelperRun> {
  return new Promise((resolve, reject) => {
    execFile(path, args, { timeout: 10_000, maxBuffer: 1 << 20, env: {} }, (error, stdout) => {
      if (error === null) return resolve({ exitCode: 0, signal: null, stdout });
      // A spawn failure carries a string errno; an exit/kill carries the numeric code or signal.
      if (typeof error.code === "string") return reject(error);
      resolve({ exitCode: typeof error.code === "number" ? error.code : null, signal: error.signal ?? null, stdout });
    });
  });
}
