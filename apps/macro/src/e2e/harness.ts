import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OWNER_ENV, tempDirSync } from "@macro/test-utils";

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const bin = join(repoRoot, "apps/macro/bin.cjs");

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  reports: string;
  checkpoints: string;
}

/**
 * Runs the built CLI the way a user does, in the repo root, with generated files sent to a
 * scratch directory and a venue that has no engine unless the test says otherwise.
 */
export function macro(args: string[], env: Record<string, string> = {}, scratch = tempDirSync("macro-e2e-")): CliRun {
  if (!existsSync(join(repoRoot, "apps/macro/dist/cli.cjs"))) throw new Error("apps/macro is not built: run `pnpm build` (turbo runs it before tests)");
  const reports = join(scratch, "reports");
  const checkpoints = join(scratch, "checkpoints");
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? scratch,
      CI: "false",
      DOCKER_HOST: "unix:///nonexistent/docker.sock",
      CONTAINER_HOST: "unix:///nonexistent/podman.sock",
      MACRO_REPORTS_DIR: reports,
      MACRO_CHECKPOINTS_DIR: checkpoints,
      ...guarded(),
      // The checkpoint key lives outside the tree; tests keep theirs in the scratch folder.
      MACRO_STATE_DIR: join(scratch, "state"),
      ...env,
    },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, reports, checkpoints };
}

/** The leak guard's private TMPDIR and owner id, so what the CLI makes is this run's to account for. */
export function guarded(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ["TMPDIR", OWNER_ENV]) {
    const value = process.env[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export function listFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

export function cleanup(run: CliRun): void {
  rmSync(join(run.reports, ".."), { recursive: true, force: true });
}
