import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_TEMP_NAME } from "../temp.ts";

/** The private temp dirs guards make for their runs (`macro-test-run-<pid>-XXXXXX`): another run's, never a leak of this one. */
export const RUN_DIR_PREFIX = "macro-test-run-";

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Removes the run dirs of guarded runs that were killed before their teardown (their process is
 * gone) and returns their paths. A dir whose pid is alive, or that names none, is left alone.
 */
export function sweepDeadRuns(shared: string): string[] {
  const swept: string[] = [];
  for (const name of entries(shared)) {
    const pid = new RegExp(`^${RUN_DIR_PREFIX}(\\d+)-`).exec(name)?.[1];
    if (pid === undefined || alive(Number(pid))) continue;
    rmSync(join(shared, name), { recursive: true, force: true, maxRetries: 3 });
    swept.push(join(shared, name));
  }
  return swept;
}

export function entries(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Entries of the shared temp dir with a name this project gives, other than guards' run dirs. */
export function projectEntries(dir: string): Set<string> {
  return new Set(entries(dir).filter((n) => PROJECT_TEMP_NAME.test(n) && !n.startsWith(RUN_DIR_PREFIX)));
}
