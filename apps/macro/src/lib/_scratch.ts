import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Io } from "./io.ts";
import { resolvePaths, type Paths } from "./paths.ts";

// Test-only: an in-process run in the repo with everything it writes (reports, checkpoints, the
// checkpoint key) in a scratch folder, and a venue with no engine so runs are fast and blocked.

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

export interface Scratch {
  dir: string;
  io: Io;
  paths: Paths;
  stderr: () => string;
  stdout: () => string;
  remove: () => void;
}

export function scratch(env: Record<string, string> = {}): Scratch {
  const dir = mkdtempSync(join(tmpdir(), "macro-resume-"));
  let err = "";
  let out = "";
  const io: Io = {
    stdout: { write: (c: string) => (out += c) },
    stderr: { write: (c: string) => (err += c) },
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      CI: "false",
      DOCKER_HOST: "unix:///nonexistent/docker.sock",
      CONTAINER_HOST: "unix:///nonexistent/podman.sock",
      MACRO_REPORTS_DIR: join(dir, "reports"),
      MACRO_CHECKPOINTS_DIR: join(dir, "checkpoints"),
      MACRO_STATE_DIR: join(dir, "state"),
      ...env,
    },
    cwd: repoRoot,
    signal: new AbortController().signal,
  };
  return { dir, io, paths: resolvePaths(io, undefined), stderr: () => err, stdout: () => out, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
