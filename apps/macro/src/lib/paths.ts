import { resolve } from "node:path";
import type { Io } from "./io.ts";

export interface Paths {
  cwd: string;
  ssot: string;
  reportsDir: string;
  checkpointsDir: string;
}

/** Generated files land under the working directory unless the environment moves them (tests do). */
export function resolvePaths(io: Io, ssotArg: string | undefined): Paths {
  const cwd = io.cwd;
  return {
    cwd,
    ssot: resolve(cwd, ssotArg ?? io.env.MACRO_SSOT ?? "macro.yaml"),
    reportsDir: resolve(cwd, io.env.MACRO_REPORTS_DIR ?? "reports"),
    checkpointsDir: resolve(cwd, io.env.MACRO_CHECKPOINTS_DIR ?? "checkpoints"),
  };
}

/** Sortable, unique enough for one machine, and safe in file names. */
export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const suffix = Math.floor(Math.random() * 0xffff).toString(16).padStart(4, "0");
  return `${stamp}-${suffix}`;
}
