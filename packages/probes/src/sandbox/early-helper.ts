import { batchArgs, helperPath, runHelperAt } from "./helper-exec.ts";
import type { HelperRun } from "./env.ts";

/**
 * The helper's batch exec, started as this module is evaluated. entry.ts imports it before
 * anything else, so the helper runs while the rest of the program (zod and every probe) is
 * still being loaded, instead of after it, when P03 first asks. It answers exactly what a
 * later exec would: the helper only reports what the kernel refuses, and nothing here changes
 * between now and then. Not awaited here; a spawn failure is seen by whoever uses it.
 */
export const earlyBatch: Promise<HelperRun> = runHelperAt(helperPath(), batchArgs());
// Observed, so a failed spawn is never an unhandled rejection before a probe looks at it.
earlyBatch.catch(() => undefined);
