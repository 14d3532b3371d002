/** Parsers for the kernel's text files. Pure: they take text and return data. */

export interface MountEntry {
  mountPoint: string;
  /** The path inside the source filesystem that is mounted (differs from "/" for bind mounts). */
  root: string;
  fsType: string;
  source: string;
  readOnly: boolean;
  /** The fields as mountinfo writes them (octal escapes kept), for lines that must not be ambiguous. */
  rawRoot: string;
  rawMountPoint: string;
  /** Per-mount options (field 6) and superblock options, split at commas. */
  mountOptions: string[];
  superOptions: string[];
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/** Parses /proc/self/mountinfo; malformed lines are skipped. */
export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split("\n")) {
    const fields = line.trim().split(" ");
    const dash = fields.indexOf("-");
    if (dash < 6 || fields.length < dash + 3) continue;
    const root = fields[3];
    const mountPoint = fields[4];
    const mountOptions = fields[5];
    const fsType = fields[dash + 1];
    const source = fields[dash + 2];
    const superOptions = fields[dash + 3] ?? "";
    if (root === undefined || mountPoint === undefined || mountOptions === undefined) continue;
    if (fsType === undefined || source === undefined) continue;
    const ro = (opts: string) => opts.split(",").includes("ro");
    entries.push({
      mountPoint: unescapeOctal(mountPoint),
      root: unescapeOctal(root),
      fsType,
      source: unescapeOctal(source),
      readOnly: ro(mountOptions) || ro(superOptions),
      rawRoot: root,
      rawMountPoint: mountPoint,
      mountOptions: mountOptions.split(","),
      superOptions: superOptions.split(","),
    });
  }
  return entries;
}

function covers(mountPoint: string, path: string): boolean {
  if (mountPoint === "/") return true;
  return path === mountPoint || path.startsWith(`${mountPoint}/`);
}

/** The mount that serves `path`: the last (topmost) entry whose mount point covers it. */
export function mountFor(entries: MountEntry[], path: string): MountEntry | undefined {
  let found: MountEntry | undefined;
  for (const entry of entries) {
    if (!covers(entry.mountPoint, path)) continue;
    if (found === undefined || entry.mountPoint.length >= found.mountPoint.length) found = entry;
  }
  return found;
}

/** Parses "Key:\tvalue" lines of /proc/self/status into a map. */
export function parseStatus(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return fields;
}

/** A decimal integer, or null when the text is not one. */
export function parseIntStrict(text: string | undefined): number | null {
  if (text === undefined || !/^\d+$/.test(text.trim())) return null;
  const value = Number(text.trim());
  return Number.isSafeInteger(value) ? value : null;
}

/** Whitespace-separated integers, or null when any field is not one. */
export function parseIntList(text: string | undefined): number[] | null {
  if (text === undefined) return null;
  const parts = text.trim().split(/\s+/).filter((part) => part.length > 0);
  const values = parts.map(parseIntStrict);
  return values.every((value): value is number => value !== null) ? values : null;
}

/** Non-empty data lines after a one-line header (/proc/net/route, /proc/net/unix). */
export function dataLines(text: string, headerLines = 1): string[] {
  return text
    .split("\n")
    .slice(headerLines)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}
