import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
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

/**
 * A copy of the repo's macro.yaml in `scratch` that trusts (and signs with) a key pair made by
 * `macro keygen` there; its relative paths are rewritten to reach the repo's files from scratch.
 */
export function keyedSsot(scratch: string, options: { sign: boolean } = { sign: true }): { ssot: string; key: string; pub: string; keygen: CliRun } {
  const keys = join(scratch, "keys");
  const keygen = macro(["keygen", "--out", keys], {}, scratch);
  const key = join(keys, "attest-signing.key");
  const pub = join(keys, "attest-signing.pub");
  const up = relative(scratch, repoRoot);
  const text = readFileSync(join(repoRoot, "macro.yaml"), "utf8")
    .replace(/^(\s+(?:dockerfile|seccompProfile|seccomp|path): )(packages|fixtures)\//gm, `$1${up}/$2/`)
    .replace("    required: false\n    trustedKeys: []\n    signingKey: null", `    required: true\n    trustedKeys: [${JSON.stringify(pub)}]\n    signingKey: ${options.sign ? JSON.stringify(key) : "null"}`);
  const ssot = join(scratch, "macro.yaml");
  writeFileSync(ssot, text);
  return { ssot, key, pub, keygen };
}
