/**
 * A second look at a JSON text JSON.parse accepted, for what the parsed value no longer shows:
 * a key repeated in one object (JSON.parse keeps only the last value, so the first would never
 * be checked), keys that differ only in Unicode normalisation (one key to any consumer that
 * normalises), and every number as the text it was written as (1e400 parses to Infinity, and
 * 2^64 and 2^64 + 1 to one double). It visits every string, key or value, at any depth.
 *
 * Iterative, with a frame per open object or array: depth costs memory (bounded by the line
 * length), never the call stack. It assumes valid JSON (JSON.parse has accepted the text), so
 * it only finds where tokens start and end. It runs on the lines the record fast path does not
 * take, and on the manifest and the schema.
 */

export interface JsonVisitor {
  /** Every string, keys included, decoded; `top` is the top-level key it lies under (for a top-level key, itself). */
  string: ((s: string, top: string) => void) | null;
  /** A key met twice in one object, or equal to an earlier one after NFC (`nfc`); its path (`a.b[2].c`). */
  duplicate(path: string, top: string, nfc: boolean): void;
  /** A number as written; `depth` 1 for a top-level value. */
  number(text: string, top: string, depth: number): void;
}

interface Frame {
  object: boolean;
  /** The key whose value is being read (objects) or the index of the element (arrays). */
  key: string;
  index: number;
  /** The first key; past it, every key by its NFC form (the key itself if ASCII). */
  first: string | null;
  forms: Map<string, string> | null;
}

const NUMBER_END = /[^0-9eE.+-]/g;
const NON_ASCII = /[^\x00-\x7f]/;

/** Walks `text` (valid JSON) with `visit`. */
export function walkJson(text: string, visit: JsonVisitor): void {
  const frames: Frame[] = [];
  let depth = 0;
  let top = "";
  let expectKey = false;
  const n = text.length;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = stringEnd(text, i);
      const raw = text.slice(i + 1, end);
      const s = raw.includes("\\") ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
      const frame = frames[depth - 1];
      if (expectKey && frame !== undefined) {
        expectKey = false;
        if (depth === 1) top = s;
        if (isRepeated(frame, s)) visit.duplicate(pathOf(frames, depth, s), top, frame.forms?.get(formOf(s)) !== s);
        frame.key = s;
      }
      visit.string?.(s, top);
      i = end + 1;
    } else if (c === 0x7b || c === 0x5b) {
      let frame = frames[depth];
      if (frame === undefined) frames.push((frame = { object: false, key: "", index: 0, first: null, forms: null }));
      frame.object = c === 0x7b;
      frame.index = 0;
      frame.first = null;
      frame.forms = null;
      depth += 1;
      expectKey = frame.object;
      i += 1;
    } else if (c === 0x7d || c === 0x5d) {
      // Past a large object its key map goes: a deep text does not hold every level's keys at once.
      const frame = frames[depth - 1];
      if (frame !== undefined) frame.forms = null;
      depth -= 1;
      expectKey = false;
      i += 1;
    } else if (c === 0x2c) {
      const frame = frames[depth - 1];
      if (frame !== undefined) {
        if (frame.object) expectKey = true;
        else frame.index += 1;
      }
      i += 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      NUMBER_END.lastIndex = i;
      const m = NUMBER_END.exec(text);
      const end = m === null ? n : m.index;
      visit.number(text.slice(i, end), top, depth);
      i = end;
    } else if (c === 0x74 || c === 0x6e) i += 4;
    else if (c === 0x66) i += 5;
    else i += 1; // whitespace, ":"
  }
}

/** The closing quote of the string whose opening quote is at `i`. */
function stringEnd(text: string, i: number): number {
  let j = text.indexOf('"', i + 1);
  for (;;) {
    let k = j - 1;
    while (text.charCodeAt(k) === 0x5c) k -= 1;
    // An even run of backslashes before the quote escapes only itself.
    if ((j - 1 - k) % 2 === 0) return j;
    j = text.indexOf('"', j + 1);
  }
}

const formOf = (key: string): string => (NON_ASCII.test(key) ? key.normalize("NFC") : key);

/** Notes `key` in its object; true when it (or its NFC form) was there already. */
function isRepeated(frame: Frame, key: string): boolean {
  if (frame.first === null) {
    frame.first = key;
    return false;
  }
  if (frame.forms === null) frame.forms = new Map([[formOf(frame.first), frame.first]]);
  const form = formOf(key);
  if (frame.forms.has(form)) return true;
  frame.forms.set(form, key);
  return false;
}

function pathOf(frames: readonly Frame[], depth: number, key: string): string {
  let path = "";
  for (let d = 0; d < depth - 1; d += 1) {
    const f = frames[d];
    if (f === undefined) break;
    path += f.object ? `${d === 0 ? "" : "."}${f.key}` : `[${f.index}]`;
  }
  return `${path}${depth > 1 ? "." : ""}${key}`;
}
