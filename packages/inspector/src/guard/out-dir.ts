import { lstatSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { err, ok, type Result } from "@macro/ssot";

export type OutDirRefusalCode = "OUT_IS_SYMLINK" | "OUT_NOT_DIRECTORY" | "OUT_INSIDE_PACKET" | "OUT_UNRESOLVABLE";
export interface OutDirRefusal {
  code: OutDirRefusalCode;
  message: string;
}

const isMissing = (error: unknown): boolean =>
  typeof error === "object" && error !== null && "code" in error && error.code === "ENOENT";

/**
 * The real path a not-yet-existing path would have: the nearest existing ancestor is
 * resolved through its symlinks and the missing tail appended, so a symlinked parent
 * cannot smuggle the output somewhere else.
 */
function realpathOfPossiblyMissing(path: string): string {
  const tail: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(realpathSync(current), ...tail);
    } catch (error) {
      const parent = dirname(current);
      if (!isMissing(error) || parent === current) throw error;
      tail.unshift(basename(current));
      current = parent;
    }
  }
}

const isInside = (child: string, parent: string): boolean => {
  const rel = relative(parent, child);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
};

/**
 * The one directory the inspector may write into: `out` itself must not be a symlink and
 * must not lie inside (or be) the packet, whose files are evidence and stay untouched.
 * Creates nothing; the writer creates the directory after every guard has passed.
 */
export function guardedOutDir(out: string, packetDir: string): Result<string, OutDirRefusal> {
  const absolute = resolve(out);
  try {
    const stat = lstatSync(absolute);
    if (stat.isSymbolicLink()) {
      return err({ code: "OUT_IS_SYMLINK", message: `--out ${out} is a symbolic link; give a real directory` });
    }
    if (!stat.isDirectory()) {
      return err({ code: "OUT_NOT_DIRECTORY", message: `--out ${out} exists and is not a directory` });
    }
  } catch (error) {
    if (!isMissing(error)) {
      return err({ code: "OUT_UNRESOLVABLE", message: `--out ${out} cannot be inspected` });
    }
  }
  let realOut: string;
  let realPacket: string;
  try {
    realOut = realpathOfPossiblyMissing(absolute);
    realPacket = realpathOfPossiblyMissing(resolve(packetDir));
  } catch {
    return err({ code: "OUT_UNRESOLVABLE", message: `--out ${out} cannot be resolved to a real path` });
  }
  if (isInside(realOut, realPacket)) {
    return err({
      code: "OUT_INSIDE_PACKET",
      message: `--out ${out} is inside the packet directory ${packetDir}; reports must be written outside the packet`,
    });
  }
  return ok(realOut);
}
