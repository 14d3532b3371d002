/**
 * A write to the run's store that the store refused: a full disk, a read-only or unwritable
 * reports/, a folder that vanished mid-run. Not a defect in macro: the run halts at B-PERSIST
 * (the catalog's entry for the `persisted` check) and can be resumed once the store is fixed.
 */
export class StorageFault extends Error {
  /** The errno code the store answered with (ENOSPC, EACCES, …). */
  readonly errno: string;
  /** The file or folder the write was for, when the store named it. */
  readonly path: string | null;
  constructor(errno: string, path: string | null, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StorageFault";
    this.errno = errno;
    this.path = path;
  }
}

/** Answers that mean the store, not the program, is at fault (LOCK_TIMEOUT: the ledger's lock stayed held). */
const STORE_ERRNOS = new Set(["ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "EIO", "EFBIG", "ENOTDIR", "LOCK_TIMEOUT"]);

const errnoOf = (error: Error): { code: string; path: string | null } | null => {
  const code = "code" in error && typeof error.code === "string" ? error.code : null;
  if (code === null) return null;
  const path = "path" in error && typeof error.path === "string" ? error.path : "dest" in error && typeof error.dest === "string" ? error.dest : null;
  return { code, path };
};

const inside = (path: string, root: string) => path === root || path.startsWith(root.endsWith("/") ? root : `${root}/`);

/**
 * The StorageFault an error stands for, or null when it is something else (a defect stays a
 * defect). ENOENT counts only for a path inside one of `roots` (the run's store vanished); a
 * missing file elsewhere is not the store's fault.
 */
export function asStorageFault(error: unknown, roots: readonly string[]): StorageFault | null {
  if (error instanceof StorageFault) return error;
  if (!(error instanceof Error)) return null;
  const errno = errnoOf(error);
  if (errno === null) return null;
  const ours = errno.path !== null && roots.some((r) => inside(errno.path ?? "", r));
  if (STORE_ERRNOS.has(errno.code) || (errno.code === "ENOENT" && ours)) {
    const where = errno.path === null ? "the run's store" : errno.path;
    return new StorageFault(errno.code, errno.path, `could not write ${where}: ${errno.code} (${error.message})`, { cause: error });
  }
  return null;
}

/**
 * The container engine went away under a track (its socket vanished, the daemon hung up): the
 * venue no longer has an execution surface, which is B4′'s to report, not a defect of macro.
 */
export class EngineFault extends Error {
  readonly errno: string;
  readonly address: string | null;
  constructor(errno: string, address: string | null, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EngineFault";
    this.errno = errno;
    this.address = address;
  }
}

const ENGINE_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE"]);

/** The EngineFault an error stands for: a refused, reset or vanished connection; else null. */
export function asEngineFault(error: unknown): EngineFault | null {
  if (error instanceof EngineFault) return error;
  if (!(error instanceof Error)) return null;
  const code = "code" in error && typeof error.code === "string" ? error.code : null;
  const syscall = "syscall" in error && typeof error.syscall === "string" ? error.syscall : null;
  const address = "address" in error && typeof error.address === "string" ? error.address : null;
  if (code === null) return null;
  // A unix socket that vanished answers ENOENT to connect, never to a file write.
  if (ENGINE_ERRNOS.has(code) || (code === "ENOENT" && syscall === "connect")) {
    return new EngineFault(code, address, `the container engine${address === null ? "" : ` at ${address}`} went away: ${code} (${error.message})`, { cause: error });
  }
  return null;
}
