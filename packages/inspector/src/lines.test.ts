import { isUtf8 } from "node:buffer";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { eachLine } from "./lines.ts";
import { splitLines } from "./test-support.ts";
import { jsonMayHoldSecret } from "./secrets.ts";

/** A stream that hands out `data` in reads of `size` bytes. */
const chunked = (data: Buffer, size: number): Readable =>
  Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
    })(),
    { objectMode: false },
  );

const FATAL = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const decodeFatal = (b: Buffer): string | null => {
  try {
    return FATAL.decode(b);
  } catch {
    return null;
  }
};

// Lines with everything the fast path must get right: BOM, CRLF, blank lines, non-ASCII
// text, invalid UTF-8 of several kinds, long lines and a last line without a newline.
function sample(): Buffer {
  const parts: Buffer[] = [Buffer.from('\uFEFF{"a":1}\r\n')];
  for (let i = 0; i < 400; i += 1) {
    parts.push(Buffer.from(`{"i":${i},"t":"${"é日😀x".repeat(i % 9)}${"w".repeat(i % 97)}"}${i % 5 === 0 ? "\r" : ""}\n`));
    if (i % 37 === 0) parts.push(Buffer.from("\n   \n\r\n"));
    if (i % 41 === 0) parts.push(Buffer.concat([Buffer.from('{"bad":"'), Buffer.from([0xff, 0xc0, 0xaf, 0xed, 0xa0, 0x80]), Buffer.from('"}\n')]));
    if (i % 43 === 0) parts.push(Buffer.from(`{"long":"${"é".repeat(200)}"}\n`));
  }
  parts.push(Buffer.from('{"last":true}'));
  return Buffer.concat(parts);
}

async function run(data: Buffer, size: number, max: number, runs: boolean): Promise<string[]> {
  const seen: string[] = [];
  const line = (b: Buffer, n: number): void => {
    seen.push(`${n}:${decodeFatal(b) ?? `invalid ${b.toString("hex")}`}`);
  };
  const tooLong = (n: number, len: number): void => {
    seen.push(`${n}:too-long:${len}`);
  };
  const totals = await splitLines(
    chunked(data, size),
    max,
    runs
      ? {
          line,
          tooLong,
          run: (chunk, start, end, first, ascii) => {
            const b = chunk.subarray(start, end);
            // Only ever what a fatal decoder accepts, and "ascii" only when it is.
            expect(isUtf8(b)).toBe(true);
            if (ascii) expect(b.every((c) => c < 0x80)).toBe(true);
            return eachLine(chunk, start, end, (from, stop, i) => {
              if (stop - from > max) tooLong(first + i, stop - from);
              else seen.push(`${first + i}:${chunk.toString("utf8", from, stop)}`);
            });
          },
        }
      : { line, tooLong },
  );
  seen.push(`${totals.lines} lines, ${totals.bytes} bytes, ${totals.sha256}`);
  return seen;
}

describe("splitLines: validated runs", () => {
  it("hands out the same lines, in the same order, as line-by-line bytes, at any read size", async () => {
    const data = Buffer.concat([sample(), sample(), sample(), sample()]);
    // Reads past 64 KiB are handed out in runs of at most that (cut at line breaks): covered too.
    expect(data.length).toBeGreaterThan(2 * 65_536);
    for (const size of [1, 7, 64, 1000, 4096, 65_536, 1 << 20]) {
      for (const max of [100, 300, 1 << 20]) {
        expect(await run(data, size, max, true)).toEqual(await run(data, size, max, false));
      }
    }
  });
});

describe("UTF-8 validation", () => {
  it("isUtf8 accepts exactly what a fatal TextDecoder decodes, and toString keeps a BOM as ignoreBOM does", () => {
    const cases = [
      [0xef, 0xbb, 0xbf, 0x41],
      [0xc2, 0x80],
      [0xc0, 0x80],
      [0xc1, 0xbf],
      [0xe0, 0x80, 0x80],
      [0xe0, 0xa0, 0x80],
      [0xed, 0x9f, 0xbf],
      [0xed, 0xa0, 0x80],
      [0xf0, 0x8f, 0xbf, 0xbf],
      [0xf0, 0x90, 0x80, 0x80],
      [0xf4, 0x8f, 0xbf, 0xbf],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
      [0xff],
      [0x80],
      [0xe2, 0x82],
      [0x41, 0x00, 0x7f],
    ];
    for (let b = 0; b < 256; b += 1) cases.push([b], [0xc3, b], [0xe2, b, 0x80], [0xf0, 0x9f, b, 0x80]);
    for (const c of cases) {
      const buf = Buffer.from(c);
      const fatal = decodeFatal(buf);
      expect(isUtf8(buf)).toBe(fatal !== null);
      if (fatal !== null) expect(buf.toString("utf8")).toBe(fatal);
    }
  });
});

describe("secret prefilter", () => {
  it("a line whose parsed strings hold a hint is always flagged, escaped or not", () => {
    const hints = ["PRIVATE KEY-----", "AKIA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xox", "eyJ", "://"];
    const lines: string[] = [];
    for (const h of hints) {
      const escaped = JSON.stringify(h).slice(1, -1).replace(/[A-Za-z]/, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
      lines.push(`{"v":"a ${h} b"}`, `{"${h}":1}`, `{"n":{"k":["${h}"]}}`, `{"v":"${escaped}"}`);
    }
    const plain = ['{"id":1,"name":"plain words here","at":"2026-01-01T00:00:00.000Z"}', '{"a":"index of examples"}'];
    for (const l of [...lines, ...plain]) expect(jsonMayHoldSecret(l)).toBe(lines.includes(l));
  });
});
