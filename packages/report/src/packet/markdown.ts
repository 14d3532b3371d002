/**
 * Markdown escaping for text that comes from data (SSOT prose, facts, commands), so no
 * value can open a heading, a table column, raw HTML or a code block of its own.
 */

/** Inline prose: escape Markdown punctuation and `<` (else `<venue>` would vanish as HTML). */
export function inline(text: string): string {
  return text
    .replace(/[\\`*_[\]#|~]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n/g, " ");
}

/**
 * Prose that may carry `code spans` (SSOT authors write commands that way): spans become
 * our own safe code spans, everything else is escaped; an unmatched backtick stays literal.
 */
export function prose(text: string, inTable: boolean): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(/(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)/g)) {
    const body = m[2] ?? "";
    out += inline(text.slice(last, m.index)) + code(body, inTable);
    last = m.index + m[0].length;
  }
  return out + inline(text.slice(last));
}

/** A table cell: prose whose line breaks survive as `<br>`. */
export function cell(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => prose(line, true))
    .join("<br>");
}

/**
 * Inline code that survives any content: a fence longer than the longest backtick run,
 * padded when the content touches a backtick. Inside a table, `|` must still be escaped
 * (GFM splits cells before it parses code spans).
 */
export function code(text: string, inTable: boolean): string {
  const flat = text.replace(/\r?\n/g, " ");
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") || flat.startsWith(" ") ? " " : "";
  const body = inTable ? flat.replace(/\|/g, "\\|") : flat;
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** A paragraph of prose: each line escaped, blank lines kept as paragraph breaks. */
export function paragraph(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) =>
      prose(line.trimStart(), false)
        // Line starts that would open a list or a setext heading.
        .replace(/^(\s*)([-+=])/, "$1\\$2")
        .replace(/^(\s*\d+)([.)])/, "$1\\$2"),
    )
    .join("\n");
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}
