import * as z from "zod";
import type { HelperRun, ProbeEnv } from "./env.ts";
import { batchArgs, helperCommands } from "./helper-exec.ts";

export { DEFAULT_HELPER_PATH, HELPER_COMMANDS, sweepCommands, sweepPlan, SWEEP_PROBE_ID, type SweepPlan } from "./helper-exec.ts";

export const HelperLine = z.strictObject({
  call: z.string().regex(/^[a-z0-9_]+$/),
  /** The syscall number (sweep lines only). */
  nr: z.number().int().nonnegative().optional(),
  ret: z.number().int(),
  errno: z.string().regex(/^(none|E[A-Z0-9]+)$/),
  signal: z.string().regex(/^SIG[A-Z0-9]+$/).optional(),
  /** Not called: on the allowlist, or unsafe to call at all (sweep lines only). */
  skip: z.enum(["allowed", "unsafe"]).optional(),
});
export type HelperLine = z.infer<typeof HelperLine>;

const SECTION = /^\{"section":"([a-z]+)"\}$/;

/**
 * Wraps a helper runner so that the first request for one of `commands` runs all of them
 * in ONE exec (`batch a -- b -- …`) and each is then answered with its own section, exactly
 * the lines its own exec would have printed: one process start instead of four. Whenever the
 * batch does not answer cleanly (a helper without `batch`, a kill, sections missing or out of
 * order), every command falls back to its own exec, so a probe never sees a partial answer.
 * `started` is that batch exec already under way (early-helper.ts); it is then not run again.
 */
export function batchedHelper(
  single: (args: string[]) => Promise<HelperRun>,
  commands: readonly (readonly string[])[] = helperCommands(null),
  started?: Promise<HelperRun>,
): (args: string[]) => Promise<HelperRun> {
  const key = (args: readonly string[]) => args.join("\0");
  const known = new Set(commands.map(key));
  let batch: Promise<Map<string, HelperRun> | null> | null = null;

  const runBatch = async (): Promise<Map<string, HelperRun> | null> => {
    let run: HelperRun;
    try {
      run = await (started ?? single(batchArgs(commands)));
    } catch {
      return null;
    }
    if (run.exitCode !== 0) return null;
    const sections: { name: string; lines: string[] }[] = [];
    for (const line of run.stdout.split("\n")) {
      const opened = SECTION.exec(line);
      if (opened?.[1] !== undefined) sections.push({ name: opened[1], lines: [] });
      else if (line.trim().length > 0) {
        const current = sections.at(-1);
        if (current === undefined) return null;
        current.lines.push(line);
      }
    }
    if (sections.length !== commands.length || sections.some((s, i) => s.name !== commands[i]?.[0])) return null;
    return new Map(commands.map((command, i) => [key(command), { exitCode: 0, signal: null, stdout: (sections[i]?.lines ?? []).map((l) => `${l}\n`).join("") }]));
  };

  return async (args) => {
    if (!known.has(key(args))) return single(args);
    batch ??= runBatch();
    return (await batch)?.get(key(args)) ?? single(args);
  };
}

export type HelperOutcome =
  | { ok: true; lines: HelperLine[] }
  /** The helper could not run or spoke garbage: the probe cannot measure. */
  | { ok: false; reason: string };

/** Runs the helper and validates every line it prints; any malformed line voids the run. */
export async function callHelper(env: ProbeEnv, args: string[]): Promise<HelperOutcome> {
  let run;
  try {
    run = await env.runHelper(args);
  } catch (error) {
    const code = error !== null && typeof error === "object" && "code" in error ? String(error.code) : "UNKNOWN";
    return { ok: false, reason: `helper could not start (${code})` };
  }
  if (run.exitCode !== 0) {
    return { ok: false, reason: `helper ${args[0] ?? ""} exited ${run.exitCode ?? "by signal"}${run.signal ? ` (${run.signal})` : ""}` };
  }
  const lines: HelperLine[] = [];
  for (const raw of run.stdout.split("\n")) {
    if (raw.trim().length === 0) continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return { ok: false, reason: "helper printed a line that is not JSON" };
    }
    const parsed = HelperLine.safeParse(json);
    if (!parsed.success) return { ok: false, reason: "helper printed a line that does not match its protocol" };
    lines.push(parsed.data);
  }
  return { ok: true, lines };
}

/** What a call came to: the signal that killed it, the errno name, or "none" for success. */
export function outcomeOf(line: HelperLine): string {
  return line.signal ?? line.errno;
}
