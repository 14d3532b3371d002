import { createHash } from "node:crypto";
import { chmod, copyFile, mkdir, open, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, posix } from "node:path";
import type { Result } from "@macro/ssot";
import { InputError, err, ok } from "@macro/ssot";
import { runCli } from "./exec.ts";

/** One file or directory of the image's root filesystem. */
export type RootfsEntry =
  | { kind: "file"; target: string; mode: number; source: string }
  | { kind: "content"; target: string; mode: number; content: string }
  | { kind: "dir"; target: string; mode: number };

export interface PayloadFile {
  /** Host file. */
  source: string;
  /** Absolute path in the image. */
  target: string;
  /** Defaults to 0o644. */
  mode?: number;
}

export const NODE_TARGET = "/usr/local/bin/node";

/**
 * The absolute paths `ldd` prints for a binary, the dynamic loader included, in order.
 * A static binary has none. A library that is "not found" is an error: the image would not start.
 */
export function parseLdd(output: string): Result<string[], string> {
  const paths: string[] = [];
  for (const line of output.split("\n").map((l) => l.trim())) {
    if (line === "" || /statically linked|not a dynamic executable/.test(line)) continue;
    if (line.includes("=> not found")) return err(`missing shared library: ${line.split(" ")[0] ?? line}`);
    const arrow = /=>\s+(\/\S+)/.exec(line);
    const bare = /^(\/\S+)\s+\(/.exec(line);
    const path = arrow?.[1] ?? bare?.[1];
    if (path !== undefined && !paths.includes(path)) paths.push(path);
  }
  return ok(paths);
}

export async function sharedLibraries(binary: string, env: Readonly<Record<string, string | undefined>>): Promise<Result<string[], string>> {
  const r = await runCli("ldd", [binary], { env, timeoutMs: 30_000 });
  if (r.spawnError !== null) return err(`ldd could not run: ${r.spawnError}`);
  // ldd exits 1 for a static binary, with "not a dynamic executable".
  if (r.exitCode !== 0 && !/not a dynamic executable|statically linked/.test(r.stdout + r.stderr)) {
    return err(`ldd ${binary} failed: ${r.stderr.trim()}`);
  }
  return parseLdd(r.stdout + "\n" + r.stderr);
}

const PASSWD = "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n";
const GROUP = "root:x:0:\nnogroup:x:65534:\n";

/** Every entry of the rootfs: node, its libraries at their host paths, users, /tmp, the payload. */
export function rootfsEntries(nodeBinary: string, libraries: readonly string[], payload: readonly PayloadFile[]): RootfsEntry[] {
  const entries: RootfsEntry[] = [
    { kind: "file", target: NODE_TARGET, mode: 0o755, source: nodeBinary },
    ...libraries.map((lib): RootfsEntry => ({ kind: "file", target: lib, mode: 0o755, source: lib })),
    { kind: "content", target: "/etc/passwd", mode: 0o644, content: PASSWD },
    { kind: "content", target: "/etc/group", mode: 0o644, content: GROUP },
    { kind: "dir", target: "/tmp", mode: 0o1777 },
  ];
  const taken = new Set(entries.map((e) => e.target));
  for (const p of payload) {
    const target = posix.normalize(p.target);
    if (!isAbsolute(target) || target !== p.target || target.split("/").includes("..")) {
      throw new InputError("SANDBOX_PAYLOAD_TARGET", `payload target must be a normalised absolute path: ${p.target}`);
    }
    if (taken.has(target)) throw new InputError("SANDBOX_PAYLOAD_TARGET", `payload target ${target} collides with another rootfs entry`);
    taken.add(target);
    entries.push({ kind: "file", target, mode: p.mode ?? 0o644, source: p.source });
  }
  return entries.sort((a, b) => (a.target < b.target ? -1 : a.target > b.target ? 1 : 0));
}

const HASH_CHUNK = 1 << 20;

/**
 * 1 MiB reads into one reused buffer: the node binary (~100 MB) is most of every warm
 * attestation's input digest, and a stream's 64 KiB chunks cost twice the time (measured
 * 170–230 ms against ~80 ms here).
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(HASH_CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, HASH_CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest("hex");
}

/**
 * One manifest line per entry: path, mode and content digest — what the image is made of.
 * Files are hashed concurrently; `started` holds digests already under way by source path
 * (the node binary's, begun while `ldd` runs).
 */
export async function manifestLines(entries: readonly RootfsEntry[], started: ReadonlyMap<string, Promise<string>> = new Map()): Promise<string[]> {
  return Promise.all(
    entries.map(async (e) => {
      const mode = e.mode.toString(8);
      if (e.kind === "dir") return `dir ${e.target} ${mode}`;
      if (e.kind === "content") return `file ${e.target} ${mode} ${createHash("sha256").update(e.content).digest("hex")}`;
      return `file ${e.target} ${mode} ${await (started.get(e.source) ?? sha256File(e.source))}`;
    }),
  );
}

export async function materialize(rootDir: string, entries: readonly RootfsEntry[]): Promise<void> {
  for (const e of entries) {
    const dest = join(rootDir, normalize(e.target));
    if (e.kind === "dir") {
      await mkdir(dest, { recursive: true });
    } else {
      await mkdir(dirname(dest), { recursive: true });
      if (e.kind === "content") await writeFile(dest, e.content);
      else await copyFile(e.source, dest);
    }
    await chmod(dest, e.mode);
  }
}
