import { batchArgs, helperCommands, helperPath, planFromArgv, runHelperAt } from "./helper-exec.ts";
import type { HelperRun } from "./env.ts";

/** The helper's one batch exec, and the commands it answers. */
export interface EarlyBatch {
  commands: string[][];
  run: Promise<HelperRun>;
}

/**
 * The helper's batch exec, started as this module is evaluated. entry.ts imports it before
 * anything else, so the helper runs while the rest of the program (zod and every probe) is
 * still being loaded, instead of after it, when P03 first asks. It answers exactly what a
 * later exec would: the helper only reports what the kernel refuses, and nothing here changes
 * between now and then. The sweep's allowlist comes from argv, read without zod; a probe whose
 * validated parameters differ gets its own exec (batchedHelper matches commands exactly).
 * Not awaited here; a spawn failure is seen by whoever uses it.
 */
const commands = helperCommands(planFromArgv(process.argv.slice(2)));
export const earlyBatch: EarlyBatch = { commands, run: runHelperAt(helperPath(), batchArgs(commands)) };
// Observed, so a failed spawn is never an unhandled rejection before a probe looks at it.
earlyBatch.run.catch(() => undefined);
