import { randomBytes } from "node:crypto";
import { link, lstat, mkdir, open, readFile, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { InputError } from "@macro/ssot";
import type { Paths } from "./paths.ts";

const KEY_BYTES = 32;

/**
 * Where the checkpoint key lives: per user, outside the working tree, so that what a run can be
 * told to write (reports/, checkpoints/) can never hold it. MACRO_STATE_DIR moves it (tests do).
 */
export function keyPath(env: Record<string, string | undefined>): string {
  const dir = nonEmpty(env.MACRO_STATE_DIR) ?? join(nonEmpty(env.XDG_STATE_HOME) ?? join(nonEmpty(env.HOME) ?? homedir(), ".local", "state"), "macro");
  return join(resolve(dir), "checkpoint.key");
}

const nonEmpty = (v: string | undefined) => (v === undefined || v === "" ? undefined : v);

const within = (path: string, root: string) => {
  const r = relative(root, path);
  return r === "" || (!r.startsWith("..") && !isAbsolute(r));
};

/**
 * The key that authenticates this user's checkpoints: read, or made (0600, O_EXCL) on first use.
 * A key inside the working tree or readable by others is refused, never used.
 */
export async function checkpointKey(env: Record<string, string | undefined>, paths: Paths): Promise<Uint8Array> {
  const file = keyPath(env);
  // The working tree is checked only for an explicit MACRO_STATE_DIR: a user working in ~ keeps
  // the default key under ~/.local/state.
  const roots = [paths.reportsDir, paths.checkpointsDir, ...(nonEmpty(env.MACRO_STATE_DIR) === undefined ? [] : [paths.cwd])];
  for (const root of roots) {
    if (within(file, root)) throw new InputError("CHECKPOINT_KEY_PLACE", `${file}: the checkpoint key must live outside ${root} (set MACRO_STATE_DIR elsewhere)`, { file });
  }
  if (!(await exists(file))) await create(file);
  const info = await lstat(file);
  if (!info.isFile()) throw new InputError("CHECKPOINT_KEY_INVALID", `${file}: the checkpoint key is not a regular file`, { file });
  if ((info.mode & 0o077) !== 0) throw new InputError("CHECKPOINT_KEY_EXPOSED", `${file}: the checkpoint key is readable by others (mode ${(info.mode & 0o777).toString(8)}); chmod 600 it`, { file });
  const key = await readFile(file);
  if (key.byteLength < KEY_BYTES) throw new InputError("CHECKPOINT_KEY_INVALID", `${file}: the checkpoint key has ${key.byteLength} bytes, fewer than ${KEY_BYTES}`, { file });
  return new Uint8Array(key);
}

const exists = (file: string) =>
  lstat(file).then(
    () => true,
    (error: unknown) => !(error instanceof Error && "code" in error && error.code === "ENOENT"),
  );

/**
 * Written whole under a private name, then linked into place (link fails if the key exists): two
 * first runs at once make one key, and neither ever reads a half-written one.
 */
async function create(file: string): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await mkdir(join(file, ".."), { recursive: true, mode: 0o700 });
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(randomBytes(KEY_BYTES));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, file);
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) {
      // Before the run starts and outside reports/: nothing of a run was written yet.
      const why = error instanceof Error ? error.message : String(error);
      throw new InputError("CHECKPOINT_KEY_UNWRITABLE", `${file}: cannot create the checkpoint key (${why}); fix the folder or set MACRO_STATE_DIR`, { file });
    }
  } finally {
    await rm(temp, { force: true });
  }
}
