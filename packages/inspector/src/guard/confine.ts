import { createRequire, syncBuiltinESMExports } from "node:module";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { InternalError } from "@macro/ssot";
import { GuardViolation } from "./verdict.ts";

const require = createRequire(import.meta.url);

/** Which arguments of each write-capable function name a path that will be created or changed. */
const PATH_ARGS: Record<string, readonly number[]> = {
  writeFile: [0],
  appendFile: [0],
  mkdir: [0],
  mkdtemp: [0],
  rm: [0],
  rmdir: [0],
  unlink: [0],
  rename: [0, 1],
  copyFile: [1],
  cp: [1],
  symlink: [1],
  link: [1],
  truncate: [0],
  chmod: [0],
  lchmod: [0],
  chown: [0],
  lchown: [0],
  utimes: [0],
  lutimes: [0],
  createWriteStream: [0],
};

/** `open` only writes with these flags; plain reads of the packet must keep working. */
function opensForWrite(flags: unknown, constants: { O_WRONLY: number; O_RDWR: number; O_CREAT: number; O_TRUNC: number; O_APPEND: number }): boolean {
  if (flags === undefined || flags === null) return false;
  if (typeof flags === "number") {
    const write = constants.O_WRONLY | constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND;
    return (flags & write) !== 0;
  }
  return typeof flags !== "string" || /[wa+]/.test(flags);
}

/** A path argument as a string, or undefined for file descriptors and handles (already opened, already checked). */
function pathOf(arg: unknown): string | undefined {
  if (typeof arg === "string") return arg;
  if (arg instanceof URL) return fileURLToPath(arg);
  if (Buffer.isBuffer(arg)) return arg.toString("utf8");
  return undefined;
}

let confinedTo: { dir: string; refused: readonly string[] } | undefined;

/** The directory writes are confined to, or undefined before `confineWrites`: a check worker is confined the same way. */
export const confinedDir = (): string | undefined => confinedTo?.dir;

/**
 * After this call, every fs function that creates, changes or removes a file throws
 * `GuardViolation` unless each path it would touch lies inside `dir` (the real path
 * `guardedOutDir` returned). Reads are untouched. Like the network lockdown, a tripwire in
 * depth behind the sandbox's read-only root: a defect writing elsewhere stops the run loudly.
 * Confinement is for the life of the process; asking for a second, different directory is a defect.
 */
export function confineWrites(dir: string): readonly string[] {
  const allowed = resolve(dir);
  if (confinedTo !== undefined) {
    if (confinedTo.dir !== allowed) throw new InternalError("GUARD_CONFINE_TWICE", `writes are already confined to ${confinedTo.dir}`);
    return confinedTo.refused;
  }
  const inside = (path: string): boolean => {
    const rel = relative(allowed, resolve(path));
    return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
  };
  const fs = require("node:fs") as typeof import("node:fs");
  const wrapped: string[] = [];
  const wrap = (target: object, prefix: string, key: string, check: (args: unknown[]) => string | undefined): void => {
    const original: unknown = Reflect.get(target, key);
    if (typeof original !== "function") return;
    const api = `${prefix}.${key}`;
    Object.defineProperty(target, key, {
      value: function confined(this: unknown, ...args: unknown[]): unknown {
        const outside = check(args);
        if (outside !== undefined) throw new GuardViolation(api, "write", outside);
        return Reflect.apply(original, this, args);
      },
      writable: false,
      configurable: false,
      enumerable: true,
    });
    wrapped.push(api);
  };
  const byPathArgs = (positions: readonly number[]) => (args: unknown[]) =>
    positions.map((i) => pathOf(args[i])).find((path) => path !== undefined && !inside(path));
  const byOpenFlags = (args: unknown[]) => {
    const path = pathOf(args[0]);
    return path !== undefined && opensForWrite(args[1], fs.constants) && !inside(path) ? path : undefined;
  };
  const targets: [object, string][] = [
    [fs, "fs"],
    [fs.promises, "fs.promises"],
  ];
  for (const [target, prefix] of targets) {
    for (const [name, positions] of Object.entries(PATH_ARGS)) {
      wrap(target, prefix, name, byPathArgs(positions));
      if (target === fs) wrap(target, prefix, `${name}Sync`, byPathArgs(positions));
    }
    wrap(target, prefix, "open", byOpenFlags);
    if (target === fs) wrap(target, prefix, "openSync", byOpenFlags);
  }
  syncBuiltinESMExports();
  confinedTo = { dir: allowed, refused: Object.freeze(wrapped) };
  return confinedTo.refused;
}
