import { appendFile, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import * as z from "zod";
import { BlockerPacket, InputError, InternalError, Sha256Hex, formatStrictJsonError, inputError, parseStrictJson, readInput } from "@macro/ssot";
import { ensureDir, writeFilesAtomic } from "../fs-atomic.ts";
import { serializeJson, sha256Hex } from "../hash.ts";
import { renderPacketMarkdown } from "./render.ts";

/** File-name-safe blocker id that stays readable: `B4′` → `B4prime`. */
export function slug(id: string): string {
  const s = id
    // NFKC spells ″ and ‴ as repeated ′, so B0‴ reads B0primeprimeprime.
    .normalize("NFKC")
    .replace(/[′']/g, "prime")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
  return s === "" ? "blocker" : s;
}

/** The names a packet's files get; pass them (joined to repo-relative dirs) as PacketInput.paths. */
export function packetFileNames(blockerId: string, runId: string): { json: string; markdown: string } {
  const base = `blocker-${slug(blockerId)}-${slug(runId)}`;
  return { json: `${base}.json`, markdown: `${base}.md` };
}

export const LATEST_POINTER = "latest-blocker.json";

/** `reports/latest-blocker.json`: which packet the last blocked run wrote, pinned by digest. */
export const LatestPointer = z.strictObject({
  schema: z.literal("macro/latest-blocker/v1"),
  runId: z.string().min(1),
  blockerId: z.string().min(1),
  json: z.string().min(1),
  jsonSha256: Sha256Hex,
});
export type LatestPointer = z.infer<typeof LatestPointer>;

export interface WrittenPacket {
  jsonPath: string;
  markdownPath: string;
  markdownSha256: string;
  jsonSha256: string;
}

/**
 * Persist a packet: the Markdown (checkpoints), the JSON with the digest of those Markdown
 * bytes (reports), then the latest pointer, made visible in that order. Each file is
 * replaced atomically. `alongside` (e.g. the operator runbook) is written in the same round,
 * before the pointer. With `env.GITHUB_STEP_SUMMARY` set, the Markdown is appended there.
 */
export async function writeBlockerPacket(
  packet: BlockerPacket,
  dirs: { reportsDir: string; checkpointsDir: string },
  env: Readonly<Record<string, string | undefined>> = {},
  alongside: readonly { path: string; data: string }[] = [],
): Promise<WrittenPacket> {
  const names = packetFileNames(packet.blocker.id, packet.runId);
  // The packet must not name files other than the ones written here.
  for (const [named, actual] of [
    [packet.renderings?.markdownPath, names.markdown],
    [packet.renderings?.jsonPath, names.json],
  ] as const) {
    if (named !== undefined && basename(named) !== actual) {
      throw new InternalError("PACKET_PATH_MISMATCH", `packet names ${named} but is written as ${actual}; build it with packetFileNames()`);
    }
  }
  const markdownPath = join(dirs.checkpointsDir, names.markdown);
  const jsonPath = join(dirs.reportsDir, names.json);
  await Promise.all([ensureDir(dirs.checkpointsDir), ensureDir(dirs.reportsDir)]);

  const markdown = renderPacketMarkdown(packet);
  const markdownSha256 = sha256Hex(markdown);
  const final = BlockerPacket.parse({
    ...packet,
    renderings: {
      markdownPath: packet.renderings?.markdownPath ?? markdownPath,
      markdownSha256,
      jsonPath: packet.renderings?.jsonPath ?? jsonPath,
    },
  });
  const json = serializeJson(final);
  const jsonSha256 = sha256Hex(json);
  const pointer: LatestPointer = {
    schema: "macro/latest-blocker/v1",
    runId: final.runId,
    blockerId: final.blocker.id,
    json: names.json,
    jsonSha256,
  };
  // Written together; the renames keep the order, so the pointer only ever names a packet
  // whose JSON and Markdown are already in place.
  await writeFilesAtomic([
    { path: markdownPath, data: markdown },
    { path: jsonPath, data: json },
    ...alongside,
    { path: join(dirs.reportsDir, LATEST_POINTER), data: serializeJson(pointer) },
  ]);

  const summary = env.GITHUB_STEP_SUMMARY;
  if (summary !== undefined && summary !== "") await appendFile(summary, `${markdown}\n`);
  return { jsonPath, markdownPath, markdownSha256, jsonSha256 };
}

/**
 * The packet the last blocked run wrote, or null when no run has left one. A pointer or
 * packet that does not parse, or whose digest no longer matches, is an InputError:
 * tampered state must stop the command, never read as "no previous blocker".
 */
export async function findLatestPacket(reportsDir: string): Promise<BlockerPacket | null> {
  const pointerPath = join(reportsDir, LATEST_POINTER);
  const pointerText = await readIfExists(pointerPath);
  if (pointerText === null) return null;
  const pointer = LatestPointer.safeParse(parseJson(pointerText, pointerPath));
  if (!pointer.success) {
    throw new InputError("LATEST_POINTER_INVALID", `${pointerPath}: ${z.prettifyError(pointer.error)}`, { file: pointerPath });
  }
  // The pointer names a file in the same directory; a path there would be an escape.
  if (basename(pointer.data.json) !== pointer.data.json) {
    throw new InputError("LATEST_POINTER_INVALID", `${pointerPath}: json must be a file name in ${reportsDir}`, { file: pointerPath });
  }
  const packetPath = join(reportsDir, pointer.data.json);
  const bytes = await readIfExists(packetPath);
  if (bytes === null) {
    throw new InputError("LATEST_PACKET_MISSING", `${pointerPath} names ${pointer.data.json}, which does not exist`, { file: packetPath });
  }
  if (sha256Hex(bytes) !== pointer.data.jsonSha256) {
    throw new InputError("LATEST_PACKET_DIGEST_MISMATCH", `${packetPath} does not match the sha256 recorded in ${pointerPath}`, { file: packetPath });
  }
  const packet = BlockerPacket.safeParse(parseJson(bytes, packetPath));
  if (!packet.success) {
    throw new InputError("LATEST_PACKET_INVALID", `${packetPath}: ${z.prettifyError(packet.error)}`, { file: packetPath });
  }
  if (packet.data.runId !== pointer.data.runId || packet.data.blocker.id !== pointer.data.blockerId) {
    throw new InputError("LATEST_PACKET_MISMATCH", `${packetPath} is not the packet ${pointerPath} names`, { file: packetPath });
  }
  return packet.data;
}

/** A run that closed green removes the pointer, so the next run sees no previous blocker. */
export async function clearLatestPacket(reportsDir: string): Promise<void> {
  await rm(join(reportsDir, LATEST_POINTER), { force: true });
}

// --- internal ---

/** Through the one bounded reader: a FIFO or device planted in reports/ cannot hang `status`. */
async function readIfExists(path: string): Promise<Buffer | null> {
  const r = await readInput(path, { kind: "evidence", noSymlink: true });
  if (r.ok) return Buffer.from(r.value);
  if (r.error.code === "INPUT_NOT_FOUND") return null;
  throw inputError(r.error);
}

/** Strict JSON: a duplicate key, a BOM or trailing bytes in a packet are tampering, not data. */
function parseJson(bytes: Buffer, file: string): unknown {
  const parsed = parseStrictJson(bytes, { maxDepth: 64 });
  if (!parsed.ok) throw new InputError("JSON_INVALID", formatStrictJsonError(file, parsed.error), { file });
  return parsed.value;
}
