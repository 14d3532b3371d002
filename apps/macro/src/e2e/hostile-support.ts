import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./harness.ts";

/** A scratch directory for one hostile case; the test removes it. */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), "macro-hostile-"));
}

const SSOT_PATHS = [
  ["  dockerfile: ", "packages/sandbox/Dockerfile.sandbox"],
  ["  seccompProfile: ", "packages/sandbox/seccomp-deny-by-default.json"],
  ["    seccomp: ", "packages/sandbox/seccomp-deny-by-default.json"],
  ["  path: ", "fixtures/acceptance-matrix.yaml"],
] as const;

/**
 * The repo's macro.yaml written into `dir`, with the files it names made absolute (so they still
 * resolve from there) and then `edit` applied to the text: a hostile SSOT one edit away from a
 * good one.
 */
export function ssotVariant(dir: string, edit: (text: string) => string = (t) => t): string {
  let text = readFileSync(join(repoRoot, "macro.yaml"), "utf8");
  for (const [prefix, rel] of SSOT_PATHS) {
    const line = `\n${prefix}${rel}\n`;
    if (!text.includes(line)) throw new Error(`macro.yaml no longer has ${line.trim()}`);
    text = text.replace(line, `\n${prefix}${join(repoRoot, rel)}\n`);
  }
  const file = join(dir, "macro.yaml");
  writeFileSync(file, edit(text));
  return file;
}

/** Replaces the value of the one `key: value` line whose text is `from`. */
export function replaceLine(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`no line ${from}`);
  return text.replace(from, to);
}

/** Everything under `root`, each entry's type, mode, owner and content digest (links not followed). */
export function treeState(root: string): string[] {
  const out: string[] = [];
  const walk = (path: string, rel: string): void => {
    const st = lstatSync(path);
    const head = `${rel} ${st.mode.toString(8)} ${st.uid}:${st.gid}`;
    if (st.isSymbolicLink()) out.push(`${head} -> ${readlinkSync(path)}`);
    else if (st.isDirectory()) {
      out.push(`${head} dir`);
      for (const name of readdirSync(path).sort()) walk(join(path, name), `${rel}/${name}`);
    } else out.push(`${head} ${createHash("sha256").update(readFileSync(path)).digest("hex")}`);
  };
  walk(root, ".");
  return out;
}

/** Mode and owner of each path (not followed), for paths whose contents are not ours to hash. */
export function modes(paths: readonly string[]): string[] {
  return paths.map((p) => {
    const st = lstatSync(p, { throwIfNoEntry: false });
    return st === undefined ? `${p} absent` : `${p} ${st.mode.toString(8)} ${st.uid}:${st.gid}`;
  });
}

/** A copy of a fixture packet, so a check that failed could only hurt the copy. */
export function packetCopy(dir: string, name = "FIX7"): string {
  const dest = join(dir, "packet");
  const copy = (from: string, to: string): void => {
    const st = lstatSync(from);
    if (st.isDirectory()) {
      mkdirSync(to);
      for (const n of readdirSync(from)) copy(join(from, n), join(to, n));
    } else writeFileSync(to, readFileSync(from));
  };
  copy(join(repoRoot, "fixtures/packets", name), dest);
  return dest;
}
