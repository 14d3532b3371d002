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

/** Answers that mean the store, not the program, is at fault. */
const STORE_ERRNOS = new Set(["ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "EIO", "EFBIG", "ENOTDIR"]);

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
