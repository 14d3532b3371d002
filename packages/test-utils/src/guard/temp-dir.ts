import { readdirSync } from "node:fs";
import { PROJECT_TEMP_NAME } from "../temp.ts";

/** The private temp dirs guards make for their runs: another run's, never a leak of this one. */
export const RUN_DIR_PREFIX = "macro-test-run-";

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
