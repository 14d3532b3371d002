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

/** A table cell: inline prose whose line breaks survive as `<br>`. */
export function cell(text: string): string {
  return text.split(/\r?\n/).map(inline).join("<br>");
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
      inline(line.trimStart())
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
