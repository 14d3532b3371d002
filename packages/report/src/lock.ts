import { open, rm, stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { MacroError, ExitCode } from "@macro/ssot";

export interface LockOptions {
  /** How long to keep retrying before giving up. Default 10 s. */
  timeoutMs?: number;
  /** Retry interval. Default 20 ms. */
  retryMs?: number;
  /**
   * A lock file older than this is taken to be left by a crashed process and removed.
   * Default 60 s: far longer than any critical section here (one read and one atomic
   * write), so a live holder is never robbed. Residual race: two waiters that both see
   * the same stale lock may both remove it; keep the timeout long to keep that theoretical.
   */
  staleMs?: number;
}

/**
 * Run `fn` while holding an exclusive lock file `lockPath` (created with O_EXCL, so two
 * processes cannot both succeed). The lock is always released, also when `fn` throws.
 */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retryMs = options.retryMs ?? 20;
  const staleMs = options.staleMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockPath, "wx", 0o644);
      try {
        await handle.writeFile(`${JSON.stringify({ pid: process.pid, at: new Date().toISOString() })}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
      if (await isStale(lockPath, staleMs)) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() >= deadline) {
        throw new MacroError("LOCK_TIMEOUT", `could not take ${lockPath} within ${timeoutMs} ms: another run holds it`, ExitCode.internal);
      }
      await sleep(retryMs);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const s = await stat(lockPath);
    return Date.now() - s.mtimeMs > staleMs;
  } catch {
    // Vanished between open and stat: not stale, just retry.
    return false;
  }
}
