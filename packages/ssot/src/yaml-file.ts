import { open, type FileHandle } from "node:fs/promises";
import { CORE_SCHEMA, YAMLException, load } from "js-yaml";
import { err, ok, type Result } from "./errors.ts";

export interface YamlIssue {
  path: string;
  message: string;
}

export type YamlFileErrorKind = "NOT_FOUND" | "TOO_LARGE" | "YAML" | "ALIAS_BOMB";

export interface YamlFileError {
  kind: YamlFileErrorKind;
  message: string;
  issues: YamlIssue[];
}

/**
 * Reads a YAML file the way every user-supplied one is read: bounded before parsing (a hostile
 * file costs no parse time), UTF-8 or refused, duplicate keys refused, YAML errors as
 * `file:line:col`, and alias expansion capped (billion laughs). js-yaml rather than yaml: on
 * the blocked path of `macro run` the SSOT and the matrix are parsed on every start, and a cold
 * js-yaml parse costs a tenth of what yaml's document model does. `shown` is the path as the user
 * typed it, so messages read the way they gave it.
 */
export async function readYamlFile(
  absolute: string,
  shown: string,
  limits: { maxBytes: number; maxAliases: number },
): Promise<Result<{ data: unknown; raw: Uint8Array }, YamlFileError>> {
  const read = await readBounded(absolute, shown, limits.maxBytes);
  if (!read.ok) return read;
  const raw = read.value;

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch {
    return err({ kind: "YAML", message: `${shown}: not valid UTF-8`, issues: [] });
  }

  let data: unknown;
  try {
    // The core schema (YAML 1.2): no timestamps turned into Dates, no merge keys, no custom tags.
    data = load(text, { schema: CORE_SCHEMA, filename: shown });
  } catch (cause) {
    if (!(cause instanceof YAMLException)) throw cause;
    const where = cause.mark === undefined ? shown : `${shown}:${cause.mark.line + 1}:${cause.mark.column + 1}`;
    return err({ kind: "YAML", message: `${shown}: YAML syntax error`, issues: [{ path: where, message: cause.reason }] });
  }
  const expansions = aliasExpansions(data);
  if (expansions > limits.maxAliases) {
    return err({ kind: "ALIAS_BOMB", message: `${shown}: refused: ${expansions} alias expansions of shared nodes (more than ${limits.maxAliases})`, issues: [] });
  }
  return ok({ data, raw });
}

/**
 * js-yaml resolves an alias to the very object its anchor made, so a billion-laughs file loads
 * as a small graph of shared nodes — cheap to load, exponential for anything that walks it as a
 * tree. Counting the references to a node already seen (each one an expansion a tree walk would
 * repeat) catches it in one linear pass, before validation walks it.
 */
function aliasExpansions(root: unknown): number {
  const seen = new Set<object>();
  let repeats = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    if (seen.has(node)) {
      repeats += 1;
      continue;
    }
    seen.add(node);
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push(child);
  }
  return repeats;
}

async function readBounded(absolute: string, shown: string, maxBytes: number): Promise<Result<Uint8Array, YamlFileError>> {
  let handle: FileHandle;
  try {
    handle = await open(absolute, "r");
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? "unknown error";
    const what = code === "ENOENT" ? "no such file" : `cannot open (${code})`;
    return err({ kind: "NOT_FOUND", message: `${shown}: ${what}`, issues: [] });
  }
  const tooLarge = (size: number): YamlFileError => ({
    kind: "TOO_LARGE",
    message: `${shown}: ${size} bytes is over the ${maxBytes}-byte limit; refused before parsing`,
    issues: [],
  });
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return err({ kind: "NOT_FOUND", message: `${shown}: not a regular file`, issues: [] });
    if (stat.size > maxBytes) return err(tooLarge(stat.size));
    // Read one byte past the limit so a file that grew after fstat is still caught.
    const buf = new Uint8Array(maxBytes + 1);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, filled, buf.byteLength - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled > maxBytes) return err(tooLarge(filled));
    }
    return ok(buf.slice(0, filled));
  } finally {
    await handle.close();
  }
}
