import { createHash } from "node:crypto";
import { InputError, readInput } from "@macro/ssot";

/** sha256 of raw bytes (strings are hashed as their UTF-8 bytes), lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Digest of a file's raw bytes (we never re-serialise before hashing), through the one bounded reader. */
export async function digestFile(path: string): Promise<{ sha256: string; bytes: number }> {
  const read = await readInput(path, { kind: "evidence" });
  if (!read.ok) throw new InputError(read.error.code, read.error.message, { file: path });
  return { sha256: sha256Hex(read.value), bytes: read.value.byteLength };
}

/**
 * sha256 of each line of a JSONL file, over the line's raw bytes without its newline.
 * A bundle is not authenticated as a whole, so the run record pins every line.
 */
export function jsonlLineDigests(data: Uint8Array): string[] {
  const digests: string[] = [];
  let start = 0;
  for (let i = 0; i <= data.length; i++) {
    if (i === data.length || data[i] === 0x0a) {
      let end = i;
      if (end > start && data[end - 1] === 0x0d) end--;
      if (end > start) digests.push(sha256Hex(data.subarray(start, end)));
      start = i + 1;
    }
  }
  return digests;
}

type Canonical = string | number | boolean | null | Canonical[] | { [key: string]: Canonical };

/**
 * JSON with object keys sorted at every level (RFC 8785 for the strings, integers and
 * booleans we hash). Used only where a JSON value must be hashed outside a file.
 */
export function canonicalJson(value: Canonical): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError("non-finite number in canonical JSON");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as Canonical)}`).join(",")}}`;
}

/** The one JSON layout we write to disk, so file digests are reproducible. */
export function serializeJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
