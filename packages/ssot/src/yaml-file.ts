import { open, type FileHandle } from "node:fs/promises";
import { parseDocument } from "yaml";
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
 * `file:line:col`, and alias expansion capped (billion laughs). `shown` is the path as the user
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

  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      const where = pos ? `${shown}:${pos.line}:${pos.col}` : shown;
      // prettyErrors appends the position and a code frame; the position is already in `where`.
      const headline = (e.message.split("\n")[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, "").trim();
      return { path: where, message: headline };
    });
    return err({ kind: "YAML", message: `${shown}: YAML syntax error`, issues });
  }

  try {
    return ok({ data: doc.toJS({ maxAliasCount: limits.maxAliases }), raw });
  } catch (cause) {
    // yaml throws a ReferenceError once alias expansion exceeds the budget.
    const message = cause instanceof Error ? cause.message : String(cause);
    return err({ kind: "ALIAS_BOMB", message: `${shown}: refused: ${message} (more than ${limits.maxAliases} alias expansions)`, issues: [] });
  }
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
