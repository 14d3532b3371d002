import { execFile } from "node:child_process";
import type { HelperRun } from "./env.ts";

// Kept free of zod and of every other probe module: entry.ts imports this first, so that the
// helper's one exec starts before the rest of the program is even loaded (see early-helper.ts).

/** Where the attestation image keeps the helper; MACRO_SYSCALL_HELPER overrides it. */
export const DEFAULT_HELPER_PATH = "/opt/macro/syscall-probe";

/** The helper commands whose arguments never change (P03, P04, P07; P05's namespace flags). */
export const HELPER_COMMANDS = {
  mount: ["mount", "/tmp"],
  unshare: ["unshare"],
  nnp: ["nnp"],
  nsflags: ["nsflags"],
} as const satisfies Record<string, readonly string[]>;

/** The probe id whose expectation carries the seccomp sweep's parameters. */
export const SWEEP_PROBE_ID = "P05-SYS-SECCOMP-SWEEP";

/** What P05 sweeps against: the profile's allowlist and the socket families it allows. */
export interface SweepPlan {
  allowlist: string[];
  socketFamilies: number[];
  socketpairFamilies: number[];
}

const asList = (value: unknown): unknown[] | null => {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === "object" && "$set" in value && Array.isArray(value.$set)) return value.$set;
  return null;
};
const names = (value: unknown): string[] | null => {
  const list = asList(value);
  return list !== null && list.every((v): v is string => typeof v === "string" && /^[a-z0-9_]{1,64}$/.test(v)) ? list : null;
};
const families = (value: unknown): number[] | null => {
  const list = asList(value);
  return list !== null && list.every((v): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 256) ? list : null;
};

/** P05's parameters from its `expected` block, or null when they are missing or malformed. */
export function sweepPlan(expected: unknown): SweepPlan | null {
  if (expected === null || typeof expected !== "object") return null;
  const block = expected as Record<string, unknown>;
  const allowlist = names(block.allowlist);
  const socketFamilies = families(block.socketFamilies);
  const socketpairFamilies = families(block.socketpairFamilies);
  if (allowlist === null || socketFamilies === null || socketpairFamilies === null) return null;
  return { allowlist, socketFamilies, socketpairFamilies };
}

/** The exact helper commands P05 issues for a plan. */
export function sweepCommands(plan: SweepPlan): { sweep: string[]; families: string[] } {
  return {
    sweep: ["sweep", [...plan.allowlist].sort().join(",")],
    families: ["families", [...plan.socketFamilies].sort((a, b) => a - b).join(","), [...plan.socketpairFamilies].sort((a, b) => a - b).join(",")],
  };
}

/** Every command the probes will ask for: the fixed ones, and the sweep's when its plan is known. */
export function helperCommands(plan: SweepPlan | null): string[][] {
  const fixed = Object.values(HELPER_COMMANDS).map((command) => [...command]);
  if (plan === null) return fixed;
  const sweep = sweepCommands(plan);
  return [...fixed, sweep.sweep, sweep.families];
}

/**
 * The sweep plan from the entry's own argv (`--expect-json <json>`), read before zod is loaded
 * so the helper's one exec can start at once. Anything unexpected gives null: the sweep then
 * runs on its own exec when P05 asks, with the plan the validated expectations give it.
 */
export function planFromArgv(argv: readonly string[]): SweepPlan | null {
  const at = argv.indexOf("--expect-json");
  const text = at >= 0 ? argv[at + 1] : undefined;
  if (text === undefined) return null;
  try {
    const json: unknown = JSON.parse(text);
    const list = asList(Array.isArray(json) ? json : json !== null && typeof json === "object" && "probes" in json ? json.probes : null);
    const probe = list?.find((p): p is { expected: unknown } => p !== null && typeof p === "object" && "id" in p && p.id === SWEEP_PROBE_ID && "expected" in p);
    return probe === undefined ? null : sweepPlan(probe.expected);
  } catch {
    return null;
  }
}

/** `batch a -- b -- …`: the given commands in one exec, in their order. */
export function batchArgs(commands: readonly (readonly string[])[]): string[] {
  return ["batch", ...commands.flatMap((command, i) => (i === 0 ? [...command] : ["--", ...command]))];
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
