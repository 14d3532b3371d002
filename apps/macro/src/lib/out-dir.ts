import { randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import type { Stats } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import { InputError, MacroError, ExitCode, readInput } from "@macro/ssot";

/**
 * `--out` is a path the user names on the host. It is resolved and judged here, before anything
 * runs, and afterwards only ever written by macro itself (the sandbox writes elsewhere; see
 * sandbox-out.ts): no mode or owner of anything the user named is changed, and no path the user
 * gave is followed through a link.
 */
export interface OutTarget {
  /** Absolute, `..` resolved, every existing component checked to be a real directory. */
  path: string;
  /**
   * The existing empty directory as checked, or null when it is to be made. Its inode and change
   * time: an inode number alone is recycled by a directory removed and made again.
   */
  existing: { dev: number; ino: number; ctimeMs: number } | null;
}

/** Top-level trees no report belongs in; `/` and every top-level directory are refused too. */
const SYSTEM = ["/proc", "/sys", "/dev", "/etc", "/boot", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/run", "/var/run", "/var/lib", "/var/log", "/var/cache", "/var/spool", "/snap"];

const within = (child: string, parent: string): boolean => child === parent || child.startsWith(parent === sep ? sep : parent + sep);

function refuse(code: string, out: string, why: string): InputError {
  return new InputError(code, `--out ${JSON.stringify(out)}: ${why}`, { file: out });
}

/** Each existing component of `abs`, from `/` down, as lstat saw it; stops at the first missing one. */
async function walk(abs: string, shown: string): Promise<{ parts: { path: string; dev: number; ino: number }[]; missing: boolean; final: Stats | null }> {
  const names = abs.split(sep).filter((n) => n !== "");
  const parts: { path: string; dev: number; ino: number }[] = [];
  let cur: string = sep;
  for (let i = 0; i <= names.length; i += 1) {
    if (i > 0) cur = join(cur, names[i - 1] ?? "");
    let st;
    try {
      st = await lstat(cur);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { parts, missing: true, final: null };
      throw refuse("OUT_UNREADABLE", shown, `${cur} cannot be examined (${code ?? "error"})`);
    }
    if (st.isSymbolicLink()) throw refuse("OUT_SYMLINK", shown, `${cur} is a symbolic link; name the real directory`);
    const last = i === names.length;
    if (!last && !st.isDirectory()) throw refuse("OUT_NOT_DIR", shown, `${cur} is not a directory`);
    parts.push({ path: cur, dev: st.dev, ino: st.ino });
    if (last) return { parts, missing: false, final: st };
  }
  return { parts, missing: true, final: null };
}

async function identities(path: string): Promise<{ dev: number; ino: number }[]> {
  const out: { dev: number; ino: number }[] = [];
  let cur = path;
  for (;;) {
    const st = await stat(cur).catch(() => null);
    if (st !== null) out.push({ dev: st.dev, ino: st.ino });
    const up = dirname(cur);
    if (up === cur) return out;
    cur = up;
  }
}

const same = (a: { dev: number; ino: number }, b: { dev: number; ino: number }) => a.dev === b.dev && a.ino === b.ino;

/**
 * Judges `--out` on the host. Refused: empty; `/`, a top-level directory or a system tree; a
 * symbolic link anywhere in the path; an existing file (or anything but a directory); an existing
 * directory that is not empty; the packet, anything inside it or anything containing it; the
 * repository or anything containing it, and its `.git`. Inside and containing are decided by
 * path and by inode, so a bind mount or a second name for the same directory cannot slip by.
 */
export async function checkOutDir(raw: string, ctx: { cwd: string; packetDir: string; repoDir: string }): Promise<OutTarget> {
  if (raw.trim() === "") throw refuse("OUT_EMPTY", raw, "is empty; name a new or empty directory");
  if (raw.includes("\0")) throw refuse("OUT_INVALID", raw, "contains a NUL byte");
  const abs = resolve(ctx.cwd, raw);
  const depth = abs.split(sep).filter((n) => n !== "").length;
  if (depth < 2) throw refuse("OUT_SYSTEM", raw, `${abs} is the root or a top-level directory; name a directory of its own`);
  const system = SYSTEM.find((s) => within(abs, s));
  if (system !== undefined) throw refuse("OUT_SYSTEM", raw, `${abs} is inside the system tree ${system}`);

  const { parts, missing, final } = await walk(abs, raw);
  // The packet and the repository, each by real path and by inode of it and of every ancestor.
  const packetReal = await realpath(ctx.packetDir);
  const repoReal = await realpath(ctx.repoDir).catch(() => resolve(ctx.repoDir));
  const outIds = parts;
  const [packetIds, repoIds] = await Promise.all([identities(packetReal), identities(repoReal)]);
  const packetSelf = packetIds[0];
  const repoSelf = repoIds[0];
  const outSelf = missing ? null : (outIds[outIds.length - 1] ?? null);

  if (within(abs, packetReal) || (packetSelf !== undefined && outIds.some((p) => same(p, packetSelf)))) {
    throw refuse("OUT_IN_PACKET", raw, `${abs} is the packet or inside it; the packet is read-only`);
  }
  if (within(packetReal, abs) || (outSelf !== null && packetIds.some((p) => same(p, outSelf)))) {
    throw refuse("OUT_CONTAINS_PACKET", raw, `${abs} contains the packet ${packetReal}`);
  }
  if (within(repoReal, abs) || (outSelf !== null && repoIds.some((p) => same(p, outSelf))) || (repoSelf !== undefined && outSelf !== null && same(outSelf, repoSelf))) {
    throw refuse("OUT_REPOSITORY", raw, `${abs} is the repository or contains it`);
  }
  if (within(abs, join(repoReal, ".git"))) throw refuse("OUT_REPOSITORY", raw, `${abs} is inside the repository's .git`);
  let existing: OutTarget["existing"] = null;
  if (!missing && final !== null) {
    if (final.isFile()) throw refuse("OUT_IS_FILE", raw, `${abs} is an existing file; name a new or empty directory`);
    if (!final.isDirectory()) throw refuse("OUT_NOT_DIR", raw, `${abs} exists and is not a directory`);
    const entries = await readdir(abs).catch((cause: NodeJS.ErrnoException) => {
      throw refuse("OUT_UNREADABLE", raw, `${abs} cannot be listed (${cause.code ?? "error"})`);
    });
    if (entries.length > 0) throw refuse("OUT_NOT_EMPTY", raw, `${abs} is not empty (${entries.length} entr${entries.length === 1 ? "y" : "ies"}); name a new or empty directory`);
    existing = { dev: final.dev, ino: final.ino, ctimeMs: final.ctimeMs };
  }

  return { path: abs, existing };
}

/** The packet must be an existing directory before anything runs: exit 2, nothing written. */
export async function checkPacketDir(raw: string, cwd: string): Promise<string> {
  if (raw.trim() === "") throw new InputError("PACKET_NOT_FOUND", "the packet path is empty", { file: raw });
  const abs = resolve(cwd, raw);
  const st = await stat(abs).catch((cause: NodeJS.ErrnoException) => {
    throw new InputError("PACKET_NOT_FOUND", `${raw}: ${cause.code === "ENOENT" ? "no such packet directory" : `cannot be examined (${cause.code ?? "error"})`}`, { file: raw });
  });
  if (!st.isDirectory()) throw new InputError("PACKET_NOT_DIR", `${raw}: a packet is a directory (manifest.json, schema.json, data/)`, { file: raw });
  return abs;
}

export interface DeliveredFile {
  name: string;
  bytes: Uint8Array;
}

/**
 * Puts the report files into the checked `--out`, by macro alone, long after the check. The path
 * is judged again first (no link swapped in, the same empty directory). A new directory is made
 * whole beside it and renamed into place, so it appears at once with every file or not at all;
 * into an existing one, each file lands by temp + rename and nothing else is touched.
 */
export async function deliverToOut(target: OutTarget, files: readonly DeliveredFile[], ctx: { cwd: string; packetDir: string; repoDir: string }): Promise<void> {
  const now = await checkOutDir(target.path, ctx).catch((cause: unknown) => {
    throw new MacroError("OUT_CHANGED", `--out ${target.path} changed while the inspector ran: ${cause instanceof Error ? cause.message : String(cause)}`, ExitCode.usage);
  });
  const changed = (target.existing === null) !== (now.existing === null) || (target.existing !== null && now.existing !== null && (!same(target.existing, now.existing) || target.existing.ctimeMs !== now.existing.ctimeMs));
  if (changed) throw new MacroError("OUT_CHANGED", `--out ${target.path} changed while the inspector ran; nothing written`, ExitCode.usage);
  const tag = randomBytes(6).toString("hex");

  if (now.existing === null) {
    const parent = dirname(now.path);
    await makeParents(parent, target.path);
    const stage = join(parent, `.${basename(now.path)}.macro-${tag}`);
    await mkdir(stage);
    try {
      for (const f of files) await writeFile(join(stage, f.name), f.bytes, { flag: "wx", mode: 0o644 });
      // rename(2) onto a path that appeared since fails or replaces only an empty directory.
      await rename(stage, now.path);
    } catch (cause) {
      await rm(stage, { recursive: true, force: true });
      throw new MacroError("OUT_CHANGED", `--out ${target.path}: could not be put in place (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, ExitCode.usage);
    }
    return;
  }
  const temps: string[] = [];
  try {
    for (const f of files) {
      const tmp = join(now.path, `.${f.name}.macro-${tag}.tmp`);
      temps.push(tmp);
      await writeFile(tmp, f.bytes, { flag: "wx", mode: 0o644 });
    }
    for (const [i, f] of files.entries()) await rename(temps[i] ?? "", join(now.path, f.name));
  } finally {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
  }
}

/** Missing parents of a new `--out`, one level at a time, each checked to be a real directory. */
async function makeParents(parent: string, shown: string): Promise<void> {
  const names = parent.split(sep).filter((n) => n !== "");
  let cur: string = sep;
  for (const name of names) {
    cur = join(cur, name);
    try {
      await mkdir(cur);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== "EEXIST") throw refuse("OUT_UNWRITABLE", shown, `${cur} cannot be made (${(cause as NodeJS.ErrnoException).code ?? "error"})`);
    }
    const st = await lstat(cur);
    if (st.isSymbolicLink() || !st.isDirectory()) throw refuse("OUT_CHANGED", shown, `${cur} is no longer a plain directory`);
  }
}

/** Reads a file the sandbox left, as untrusted: a regular file, not a link, bounded. */
export async function readSandboxFile(dir: string, name: string, maxBytes: number): Promise<Uint8Array | null> {
  const r = await readInput(join(dir, name), { kind: "evidence", maxBytes, noSymlink: true, shown: `sandbox /out/${name}` });
  if (r.ok) return r.value;
  if (r.error.code === "INPUT_NOT_FOUND") return null;
  throw new MacroError("SANDBOX_OUT_REFUSED", `the sandbox's ${r.error.message}`, ExitCode.blocked);
}
