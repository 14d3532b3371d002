import { createHash } from "node:crypto";
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { err, ok, PacketManifest, PacketSchema, type Result } from "@macro/ssot";
import { PacketInputCode, PacketInputError } from "./errors.ts";
import { finding, type Finding } from "./findings.ts";
import { MAX_COLLECTIONS, parseJson, withinMemory, zodRefusal } from "./meta-json.ts";

/** Manifest and schema are small by nature; a huge one is an attack or a mistake. */
const MAX_META_BYTES = 4 * 1024 * 1024;

export interface PlannedFile {
  collection: string;
  /** Packet-relative, as written in the manifest. */
  relPath: string;
  absPath: string;
  expected: { sha256: string; bytes: number; records: number };
  /** Identity seen by lstat; the opened descriptor must match it (no swap in between). */
  dev: number;
  ino: number;
  /** Bytes on disk when preflight looked: bounds how many records the file can hold. */
  size: number;
}

export interface PacketPlan {
  root: string;
  manifest: PacketManifest;
  schema: PacketSchema;
  schemaSha256: string;
  files: PlannedFile[];
  /** What the manifest and schema.json hide from their parsed values (`metaFindings`), and names that collide. */
  findings: Finding[];
}

type Refusal = Result<never, PacketInputError>;
const refuse = (code: PacketInputCode, message: string, where: ConstructorParameters<typeof PacketInputError>[2]): Refusal =>
  err(new PacketInputError(code, message, where));

/**
 * Everything that can refuse a packet, done before a single data byte is read: the manifest,
 * every path it names (lexically, then component by component with lstat), and the schema.
 * Synchronous: a dozen syscalls of microseconds on cached metadata and two small reads, where
 * each async call would wait for a threadpool thread (up to 10 ms on a busy two-core machine).
 */
export function preflight(packetDir: string): Result<PacketPlan, PacketInputError> {
  let root: string;
  try {
    root = realpathSync(packetDir);
  } catch (cause) {
    return refuse(PacketInputCode.manifest, "packet directory not found", { file: packetDir, cause });
  }

  const manifestCheck = checkRegularFile(root, "manifest.json", PacketInputCode.manifest);
  if (!manifestCheck.ok) return manifestCheck;
  const manifestRaw = readMeta(root, "manifest.json", PacketInputCode.manifest, manifestCheck.value);
  if (!manifestRaw.ok) return manifestRaw;
  const findings: Finding[] = [];
  const manifestJson = parseJson(manifestRaw.value, "manifest.json", PacketInputCode.manifest, findings);
  if (!manifestJson.ok) return manifestJson;
  const parsed = PacketManifest.safeParse(manifestJson.value);
  if (!parsed.success) return zodRefusal(parsed.error, "manifest.json", PacketInputCode.manifest);
  const manifest = parsed.data;

  // Lexical checks on every path first, so no escape is ever touched on disk.
  const schemaPath = lexical(root, manifest.schema.path, "schema.path");
  if (!schemaPath.ok) return schemaPath;
  if (manifest.schema.path !== "schema.json") {
    return refuse(PacketInputCode.manifest, `expected "schema.json"`, { file: "manifest.json", field: "schema.path" });
  }
  if (manifest.files.length > MAX_COLLECTIONS) {
    return refuse(PacketInputCode.manifest, `${manifest.files.length} data files; at most ${MAX_COLLECTIONS} collections are inspected`, { file: "manifest.json", field: "files" });
  }
  const seen = new Set<string>();
  for (const [i, f] of manifest.files.entries()) {
    const field = `files[${i}].path`;
    const p = lexical(root, f.path, field);
    if (!p.ok) return p;
    if (f.path !== `data/${f.collection}.ndjson`) {
      return refuse(PacketInputCode.manifest, `expected "data/${f.collection}.ndjson"`, { file: "manifest.json", field });
    }
    if (seen.has(f.collection)) {
      return refuse(PacketInputCode.manifest, `collection "${f.collection}" listed twice`, {
        file: "manifest.json",
        field: `files[${i}].collection`,
      });
    }
    seen.add(f.collection);
  }

  const schemaStat = checkRegularFile(root, manifest.schema.path, PacketInputCode.schema);
  if (!schemaStat.ok) return schemaStat;
  const planned: PlannedFile[] = [];
  // Two names of one file (on a case-insensitive filesystem, data/A and data/a) would be one
  // file read twice, passed off as two.
  const inodes = new Map<string, number>();
  const folded = new Map<string, number>();
  for (const [i, f] of manifest.files.entries()) {
    const st = checkRegularFile(root, f.path, PacketInputCode.missingFile);
    if (!st.ok) return st;
    const id = `${st.value.dev}:${st.value.ino}`;
    const before = inodes.get(id);
    if (before !== undefined) {
      return refuse(PacketInputCode.link, `the same file as files[${before}].path`, { file: "manifest.json", field: `files[${i}].path` });
    }
    inodes.set(id, i);
    const fold = f.collection.toLowerCase();
    const twin = folded.get(fold);
    if (twin !== undefined) {
      findings.push(finding("PACKET_NAME_COLLISION", { field: `manifest.json files[${i}].collection` }, `differs from files[${twin}].collection only in case: one file where the case is ignored`));
    }
    folded.set(fold, i);
    planned.push({
      collection: f.collection,
      relPath: f.path,
      absPath: path.join(root, f.path),
      expected: { sha256: f.sha256, bytes: f.bytes, records: f.records },
      dev: st.value.dev,
      ino: st.value.ino,
      size: st.value.size,
    });
  }

  const schemaRaw = readMeta(root, manifest.schema.path, PacketInputCode.schema, schemaStat.value);
  if (!schemaRaw.ok) return schemaRaw;
  const schemaJson = parseJson(schemaRaw.value, "schema.json", PacketInputCode.schema, findings);
  if (!schemaJson.ok) return schemaJson;
  const schemaParsed = PacketSchema.safeParse(schemaJson.value);
  if (!schemaParsed.success) return zodRefusal(schemaParsed.error, "schema.json", PacketInputCode.schema);
  const schema = schemaParsed.data;
  const sized = withinMemory(schema);
  if (!sized.ok) return sized;

  const names = new Set(schema.collections.map((c) => c.name));
  for (const [i, f] of manifest.files.entries()) {
    if (!names.has(f.collection)) {
      return refuse(PacketInputCode.unknownCollection, `collection "${f.collection}" is not in schema.json`, {
        file: "manifest.json",
        field: `files[${i}].collection`,
      });
    }
  }
  for (const [i, c] of schema.collections.entries()) {
    if (!seen.has(c.name)) {
      // Without its data, references into this collection could only be guessed at.
      return refuse(PacketInputCode.manifest, `collection "${c.name}" (schema.json collections[${i}]) has no data file`, {
        file: "manifest.json",
        field: "files",
      });
    }
  }

  const schemaSha256 = createHash("sha256").update(schemaRaw.value).digest("hex");
  return ok({ root, manifest, schema, schemaSha256, files: planned, findings });
}

function lexical(root: string, rel: string, field: string): Result<string, PacketInputError> {
  const where = { file: "manifest.json", field };
  if (path.isAbsolute(rel) || /^[A-Za-z]:/.test(rel) || rel.startsWith("\\")) {
    return refuse(PacketInputCode.pathEscape, "absolute path refused", where);
  }
  if (rel.includes("\0") || rel.includes("\\")) {
    return refuse(PacketInputCode.pathEscape, "path contains a NUL or backslash", where);
  }
  const parts = rel.split("/");
  if (parts.some((p) => p === "..")) return refuse(PacketInputCode.pathEscape, `path contains ".."`, where);
  if (parts.some((p) => p === "" || p === ".")) return refuse(PacketInputCode.pathEscape, "path has empty or '.' segments", where);
  const abs = path.resolve(root, rel);
  if (!abs.startsWith(root + path.sep)) return refuse(PacketInputCode.pathEscape, "path escapes the packet", where);
  return ok(abs);
}

/**
 * Walks each component with lstat: a symlinked directory is as much an escape as a
 * symlinked file, and a hard link (nlink > 1) may alias a file outside the packet.
 */
function checkRegularFile(root: string, rel: string, missingCode: PacketInputCode): Result<{ dev: number; ino: number; size: number }, PacketInputError> {
  const parts = rel.split("/");
  let cur = root;
  for (const [i, part] of parts.entries()) {
    cur = path.join(cur, part);
    const last = i === parts.length - 1;
    let st;
    try {
      st = lstatSync(cur);
    } catch (cause) {
      const code = missingCode === PacketInputCode.schema ? PacketInputCode.missingFile : missingCode;
      return refuse(code, "file not found", { file: rel, cause });
    }
    if (st.isSymbolicLink()) return refuse(PacketInputCode.link, "symbolic link refused", { file: rel });
    if (!last && !st.isDirectory()) return refuse(PacketInputCode.link, `"${parts.slice(0, i + 1).join("/")}" is not a directory`, { file: rel });
    if (last) {
      if (!st.isFile()) return refuse(PacketInputCode.link, "not a regular file", { file: rel });
      if (st.nlink > 1) return refuse(PacketInputCode.link, `hard-linked file refused (nlink ${st.nlink})`, { file: rel });
      return ok({ dev: st.dev, ino: st.ino, size: st.size });
    }
  }
  return refuse(missingCode, "empty path", { file: rel });
}

/** Reads a checked file without following a link swapped in since the check. */
function readMeta(root: string, rel: string, code: PacketInputCode, seen: { dev: number; ino: number }): Result<Buffer, PacketInputError> {
  let fd: number;
  try {
    fd = openSync(path.join(root, rel), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (cause) {
    return refuse(PacketInputCode.link, "could not be opened without following links", { file: rel, cause });
  }
  try {
    const st = fstatSync(fd);
    if (st.dev !== seen.dev || st.ino !== seen.ino || !st.isFile()) {
      return refuse(PacketInputCode.link, "file changed between checks and read", { file: rel });
    }
    if (st.size > MAX_META_BYTES) return refuse(code, `larger than ${MAX_META_BYTES} bytes`, { file: rel });
    return ok(readFileSync(fd));
  } catch (cause) {
    return refuse(code, "cannot be read", { file: rel, cause });
  } finally {
    closeSync(fd);
  }
}
