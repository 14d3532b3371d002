import { randomBytes } from "node:crypto";
import { link, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { InputError } from "@macro/ssot";
import { basename, dirname, join } from "node:path";

export async function ensureDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
}

/**
 * Replace `path` with `data` so readers see the old bytes or the new bytes, never a mix:
 * write a uniquely named temp file in the same directory (rename is only atomic within
 * one filesystem), fsync it, rename it over the target. On any failure the temp file is
 * removed and the error rethrown; the old content stays intact.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await writeFilesAtomic([{ path, data }]);
}

/**
 * Replace several files, each atomically as writeFileAtomic does, with their I/O overlapped:
 * every temp file is written and fsynced at once, then the renames happen one by one in the
 * given order (a reader sees file k+1's new bytes only after file k's), then each directory
 * is synced once. On a failure before the renames, no target has changed and every temp
 * file is removed.
 */
export async function writeFilesAtomic(files: readonly { path: string; data: string | Uint8Array }[]): Promise<void> {
  const staged = files.map((f) => ({ ...f, temp: join(dirname(f.path), `.${basename(f.path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`) }));
  const written = await Promise.allSettled(staged.map((f) => writeSynced(f.temp, f.data)));
  const failed = written.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed !== undefined) {
    await Promise.all(staged.map((f) => rm(f.temp, { force: true }).catch(() => undefined)));
    throw failed.reason;
  }
  for (const [i, f] of staged.entries()) {
    try {
      await rename(f.temp, f.path);
    } catch (error) {
      await Promise.all(staged.slice(i).map((g) => rm(g.temp, { force: true }).catch(() => undefined)));
      throw error;
    }
  }
  await Promise.all([...new Set(staged.map((f) => dirname(f.path)))].map(syncDir));
}

/**
 * Write evidence once: the bytes appear at `path` complete (temp file, fsync, then a hard link,
 * which unlike rename never replaces a file) or not at all. If `path` already holds exactly these
 * bytes, that is the same evidence and nothing changes; other bytes there are never overwritten:
 * the call throws EVIDENCE_EXISTS and the earlier file stays as it was.
 */
export async function writeFileOnce(path: string, data: string | Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  await writeSynced(temp, data);
  try {
    await link(temp, path);
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
    const existing = await readFile(path);
    if (!existing.equals(typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data))) {
      throw new InputError("EVIDENCE_EXISTS", `${path} already exists with other bytes; evidence is never rewritten`, { file: path });
    }
  } finally {
    await rm(temp, { force: true });
  }
  await syncDir(dirname(path));
}

async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, "wx", 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Make the rename itself durable; some platforms refuse to open directories, which is fine. */
async function syncDir(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | null = null;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Best effort: the data file itself was fsynced before the rename.
  } finally {
    if (handle !== null) await handle.close().catch(() => undefined);
  }
}
