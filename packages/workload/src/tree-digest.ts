import { createHash } from "node:crypto";
import { open, readdir, readlink, lstat } from "node:fs/promises";
import { join, posix } from "node:path";

/** Directories that are the judge's own output or VCS state, never a step's input. */
export const NOT_INPUTS = [".git", "reports", "checkpoints", ".turbo"] as const;

export interface TreeDigest {
  /** sha256 over the sorted listing of (kind, path, content digest): any change to any file shows. */
  sha256: string;
  files: number;
  bytes: number;
}

/**
 * The digest of a tree as a step sees it through a read-only bind: every regular file by content
 * and executable bit, every symlink by its target text (not followed: inside the container it
 * resolves in the container's view), directories by the entries under them. Sockets, FIFOs and
 * devices are listed by kind, never opened.
 */
export async function digestTree(root: string, options: { skip?: readonly string[] } = {}): Promise<TreeDigest> {
  const skip = new Set([...NOT_INPUTS, ...(options.skip ?? [])]);
  const lines: string[] = [];
  let files = 0;
  let bytes = 0;
  const walk = async (dir: string, rel: string): Promise<void> => {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const path = join(dir, name);
      const relPath = rel === "" ? name : posix.join(rel, name);
      if (rel === "" && skip.has(name)) continue;
      const st = await lstat(path);
      if (st.isDirectory()) {
        lines.push(`d ${relPath}`);
        await walk(path, relPath);
      } else if (st.isSymbolicLink()) {
        lines.push(`l ${relPath} ${await readlink(path)}`);
      } else if (st.isFile()) {
        files += 1;
        bytes += st.size;
        lines.push(`${(st.mode & 0o111) !== 0 ? "x" : "f"} ${relPath} ${await hashFile(path)}`);
      } else {
        lines.push(`o ${relPath}`);
      }
    }
  };
  const st = await lstat(root);
  if (st.isFile()) {
    files = 1;
    bytes = st.size;
    lines.push(`f . ${await hashFile(root)}`);
  } else {
    await walk(root, "");
  }
  return { sha256: createHash("sha256").update(lines.join("\n")).digest("hex"), files, bytes };
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  const handle = await open(path, "r");
  try {
    for await (const chunk of handle.createReadStream()) hash.update(chunk as Buffer);
  } finally {
    await handle.close().catch(() => undefined);
  }
  return hash.digest("hex");
}
