// Helpers for this package's tests only; not exported from index.ts.
import { createHash } from "node:crypto";
import { cp, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Finding } from "./findings.ts";
import type { DefectKind } from "./generate.ts";
import { splitRegion, splitStream, type LineHandlers, type StreamTotals } from "./lines.ts";
import { inspectPacket, type InspectLimits } from "./inspect.ts";
import type { InspectionReport } from "./report.ts";
import { tempDir as sharedTempDir } from "@macro/test-utils";

export const PACKETS = fileURLToPath(new URL("../../../fixtures/packets/", import.meta.url));
export const fixture = (name: string): string => path.join(PACKETS, name);

export async function inspectOk(packetDir: string, limits?: InspectLimits): Promise<InspectionReport> {
  const r = await inspectPacket({ packetDir, ...(limits === undefined ? {} : { limits }) });
  if (!r.ok) throw new Error(`expected a report, got refusal ${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** The findings as compact tuples, easy to compare with an expected list. */
export const brief = (findings: Finding[]): string[] =>
  findings.map((f) => [f.code, f.collection ?? "-", f.line ?? "-", f.field ?? "-"].join(" "));

/** A fresh temp dir, removed when the test (or, made outside a test, the file) ends: see @macro/test-utils. */
export async function tempDir(prefix = "inspector-"): Promise<string> {
  return sharedTempDir(prefix);
}

/** A writable copy of a fixture packet. */
export async function copyFixture(name: string): Promise<string> {
  const dir = path.join(await tempDir(), name);
  await cp(fixture(name), dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

export const sha256 = (b: Buffer | string): string => createHash("sha256").update(b).digest("hex");

/** Rewrites manifest.json through `edit`. */
export async function editManifest(dir: string, edit: (m: Record<string, unknown>) => unknown): Promise<void> {
  const file = path.join(dir, "manifest.json");
  const m = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
  const out = edit(m);
  await writeFile(file, typeof out === "string" ? out : JSON.stringify(out ?? m, null, 2));
}

/**
 * Proof that a file was never read: its atime is set far behind its mtime, and a read
 * then moves it (relatime and strictatime both do). `works` says whether this filesystem
 * shows that at all (noatime mounts do not), checked on a control file.
 */
export async function atimeWitness(file: string): Promise<{ works: boolean; untouched(): Promise<boolean> }> {
  const { readFile: rf, stat, utimes } = await import("node:fs/promises");
  const past = new Date(1_000_000_000);
  const control = `${file}.control`;
  await writeFile(control, "control");
  await utimes(control, past, new Date());
  await rf(control);
  const works = (await stat(control)).atimeMs !== past.getTime();
  const { rm: remove } = await import("node:fs/promises");
  await remove(control);
  await utimes(file, past, new Date());
  return { works, untouched: async () => (await stat(file)).atimeMs === past.getTime() };
}

/** Writes a consistent packet (manifest digests and counts computed) from in-memory parts. */
export async function makePacket(
  schema: unknown,
  data: Record<string, Buffer | string>,
): Promise<string> {
  const { mkdir } = await import("node:fs/promises");
  const dir = path.join(await tempDir(), "packet");
  await mkdir(path.join(dir, "data"), { recursive: true });
  const schemaBuf = Buffer.from(JSON.stringify(schema));
  await writeFile(path.join(dir, "schema.json"), schemaBuf);
  const files = [];
  for (const [collection, content] of Object.entries(data)) {
    const buf = Buffer.isBuffer(content) ? content : Buffer.from(content);
    await writeFile(path.join(dir, "data", `${collection}.ndjson`), buf);
    const records = buf.toString("latin1").split("\n").filter((l) => l.trim() !== "").length;
    files.push({ collection, path: `data/${collection}.ndjson`, sha256: sha256(buf), bytes: buf.length, records });
  }
  const manifest = {
    format: "kb-packet/v1",
    packetId: "test",
    source: { system: "test" },
    exportedAt: "2026-01-01T00:00:00Z",
    schema: { path: "schema.json", sha256: sha256(schemaBuf) },
    files,
  };
  await writeFile(path.join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}

export const NOTES_SCHEMA = {
  collections: [
    {
      name: "notes",
      primaryKey: "id",
      fields: [
        { name: "id", type: "string", required: true },
        { name: "text", type: "text" },
        { name: "data", type: "json" },
      ],
    },
  ],
};

/** `splitStream` and `splitRegion` composed on one thread, lines numbered as they come: the splitting as a whole, for its tests. */
export async function splitLines(stream: AsyncIterable<unknown>, maxLineBytes: number, on: LineHandlers): Promise<StreamTotals & { lines: number }> {
  let lineNo = 0;
  const totals = await splitStream(stream, maxLineBytes, {
    region: (chunk, start, end) => {
      lineNo += splitRegion(chunk, start, end, lineNo + 1, maxLineBytes, on);
    },
    joined: (bytes) => on.line(bytes, (lineNo += 1)),
    skipped: (len) => on.tooLong((lineNo += 1), len),
  });
  return { ...totals, lines: lineNo };
}

/** Every defect the generator injects: each record-level kind at `rate`, and a wrong sha256 and count in half the files. */
export const everyDefect = (rate: number): { kind: DefectKind; rate: number }[] => [
  ...(["type", "pk-dup", "dangling", "utf8", "secret"] as const).map((kind) => ({ kind, rate })),
  { kind: "sha", rate: 0.5 },
  { kind: "count", rate: 0.5 },
];

/** A schema with every field type, enums of strings and numbers, lengths, relations and awkward field names. */
export const HOSTILE_SCHEMA = {
  collections: [
    {
      name: "others",
      primaryKey: "k",
      fields: [
        { name: "k", type: "integer", required: true },
        { name: "name", type: "string" },
      ],
    },
    {
      name: "things",
      primaryKey: "id",
      fields: [
        { name: "id", type: "string", required: true, maxLength: 80 },
        { name: "n", type: "integer", unique: true },
        { name: "x", type: "number" },
        { name: "flag", type: "boolean" },
        { name: "at", type: "datetime" },
        { name: "u", type: "uuid", unique: true },
        { name: "code", type: "string", enum: ["a", "é", "😀x", "ab", "\ud800"] },
        { name: "level", type: "integer", enum: [1, 2, 3] },
        { name: "mixed", type: "json", enum: ["draft", 1] },
        { name: "t", type: "text", maxLength: 3 },
        { name: "j", type: "json" },
        { name: "req", type: "string", required: true },
        { name: "parent", type: "string" },
        { name: "ref", type: "integer" },
        { name: "constructor", type: "string" },
        { name: "__proto__", type: "string" },
        { name: "keyId", type: "string" },
      ],
      relations: [
        { field: "parent", collection: "things", key: "id" },
        { field: "ref", collection: "others", key: "k" },
      ],
    },
  ],
};
