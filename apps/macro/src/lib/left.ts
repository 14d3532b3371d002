import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { SideEffect } from "@macro/ssot";
import { detectEngine } from "@macro/sandbox";
import type { Io } from "./io.ts";
import type { Paths } from "./paths.ts";

/**
 * What a command left behind, and where (issue 18): `--json` carries it as `left`. A command
 * may leave files under reports/ and checkpoints/ and the image of its current inputs; anything
 * in `containers` or `temp` is a defect of the command.
 */
export interface Left {
  /** New or changed entries of the reports and checkpoints dirs (and `inspect`'s --out), relative to the working dir. */
  files: string[];
  /** Containers the command created that still exist. */
  containers: string[];
  /** Image tags it ran from (and the moving tag) that stay on the engine: its inputs' cache. */
  images: string[];
  /** Superseded digest tags it removed. */
  pruned: string[];
  /** What its private temp dir still held at its end; the dir is removed with it. */
  temp: string[];
}

/** The files side of a command: top-level entries of reports/ and checkpoints/, by mtime and size. */
type Snapshot = Map<string, string>;

function snapshot(dirs: string[]): Snapshot {
  const seen: Snapshot = new Map();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      try {
        const s = statSync(join(dir, name));
        seen.set(join(dir, name), `${s.mtimeMs} ${s.size}${s.isDirectory() ? "/" : ""}`);
      } catch {
        // Gone between the listing and the stat (another run's rename): not ours to report.
      }
    }
  }
  return seen;
}

export interface Trace {
  /** Closes the command's temp dir and says what the command left. */
  close(effects: readonly SideEffect[], movingTag: string | null): Promise<Left>;
}

/**
 * Start accounting for a command: its own temp dir (TMPDIR for it and every process it starts,
 * so anything made there is found and removed at the end, whatever made it) and a snapshot of
 * the dirs it may write to.
 */
export function traceCommand(io: Io, paths: Paths, outDirs: string[] = []): Trace {
  const dirs = [paths.reportsDir, paths.checkpointsDir, ...outDirs];
  const before = snapshot(dirs);
  const saved = io.env["TMPDIR"];
  const temp = mkdtempSync(join(saved ?? tmpdir(), "macro-cli-"));
  io.env["TMPDIR"] = temp;
  return {
    async close(effects, movingTag) {
      let strays: string[] = [];
      try {
        strays = readdirSync(temp).sort();
      } finally {
        if (saved === undefined) delete io.env["TMPDIR"];
        else io.env["TMPDIR"] = saved;
        rmSync(temp, { recursive: true, force: true, maxRetries: 3 });
      }
      const after = snapshot(dirs);
      const files = [...after].filter(([path, sig]) => before.get(path) !== sig).map(([path, sig]) => relative(paths.cwd, path) + (sig.endsWith("/") ? "/" : ""));
      const engineSide = await onEngine(io, effects, movingTag);
      return { files: files.sort(), ...engineSide, temp: strays.map((n) => join(temp, n)) };
    },
  };
}

async function onEngine(io: Io, effects: readonly SideEffect[], movingTag: string | null): Promise<Pick<Left, "containers" | "images" | "pruned">> {
  const created = effects.filter((e) => e.kind === "container-created").map((e) => /^(\S+) from (\S+)/.exec(e.detail));
  const names = created.map((m) => m?.[1]).filter((n): n is string => n !== undefined);
  const images = [...new Set([...created.map((m) => m?.[2]).filter((n): n is string => n !== undefined), ...(movingTag === null ? [] : [movingTag])])].sort();
  const pruned = effects.filter((e) => e.kind === "image-removed").map((e) => e.detail).sort();
  if (names.length === 0 && images.length === 0) return { containers: [], images: [], pruned };
  const engine = await detectEngine(io.env);
  // No engine answers now: every container it created is reported, as none can be shown gone.
  if (!engine.ok) return { containers: names, images: [], pruned };
  const containers: string[] = [];
  for (const name of names) if (await engine.value.containerExists(name)) containers.push(name);
  const kept: string[] = [];
  for (const ref of images) if (await engine.value.imageExists(ref)) kept.push(ref);
  return { containers, images: kept, pruned };
}

/** `stdout` with `left` added, when it is one JSON object (the inspector's --json summary); else unchanged. */
export function withLeft(stdout: string, left: Left): string {
  try {
    const parsed: unknown = JSON.parse(stdout);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return stdout;
    return `${JSON.stringify({ ...parsed, left }, null, 2)}\n`;
  } catch {
    return stdout;
  }
}
