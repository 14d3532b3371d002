import * as z from "zod";
import type { ProbeEnv } from "./env.ts";

/** Where the attestation image keeps the helper; MACRO_SYSCALL_HELPER overrides it. */
export const DEFAULT_HELPER_PATH = "/opt/macro/syscall-probe";

export const HelperLine = z.strictObject({
  call: z.string().regex(/^[a-z0-9_]+$/),
  ret: z.number().int(),
  errno: z.string().regex(/^(none|E[A-Z0-9]+)$/),
  signal: z.string().regex(/^SIG[A-Z0-9]+$/).optional(),
});
export type HelperLine = z.infer<typeof HelperLine>;

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
