import { describe, expect, it } from "vitest";
import { compileWat } from "../scripts/wasm-compile.mjs";
import { mulberry32 } from "./generate.ts";
import { RECORD_SCAN_WASM } from "./record-scan-wasm.ts";
import { KeyRecorder } from "./key-recorder.ts";
import { eachLine } from "./lines.ts";
import { LINE_REFUSED } from "./wasm-scan.ts";
import { answers, lastRecord, line, NAMES, PLAIN, scanOf, things } from "./wasm-test-support.ts";

// The Wasm scan may only ever say "a fast-path record" where the JS scan does, with the same
// key place and key digests (it leaves the rest to the JS scan); and it must take the plain
// records, or it would only cost time.

const VALUES = [
  ...["0", "-0", "7", "-7", "1.0", "1.5", "-0.5", "1e2", "1E+2", "2e-1", "-12.5e+2", "123456789012345", "1234567890123456", "0.000001", "1e22", "1e23", "1e-22", "1e-23", "12345678901234567890", "1e400", "01", "1.", ".5", "+1", "-", "1e", "1e+", "0x10"],
  ...['"2026-01-01T00:00:00.000Z"', '"2026-12-31T23:59:59.999Z"', '"2026-13-01T00:00:00.000Z"', '"2026-02-31T24:00:00.000Z"', '"2026-01-01T24:00:00.000Z"', '"2026-01-01T24:00:01.000Z"', '"2026-01-01"', '"2026-01-01T10:00:00+02:00"', '"2026-01-01T00:00:00.000z"'],
  ...['"2026-01-01T24:00:00.001Z"', '"2026-01-01T24:01:00.000Z"', '"2026-01-01T23:60:00.000Z"', '"2026-01-01T23:59:60.000Z"', '"2026-00-01T00:00:00.000Z"', '"2026-01-00T00:00:00.000Z"', '"2026-01-32T00:00:00.000Z"', '"2026-01-01T00:00:00.0a0Z"', '"2026-01-01t00:00:00.000Z"', '"2026-01-01T00:00:00.000Zx"', '"2026/01/01T00:00:00.000Z"', '"9999-12-31T24:00:00.000Z"'],
  ...['"0123abcd-abcd-4ef0-8abc-0123456789ef"', '"0123ABCD-ABCD-4EF0-8ABC-0123456789EF"', '"0123abcd-abcd-4ef0-8abc-0123456789eg"', '"0123abcd-abcd-4ef0-8abc-0123456789e"', '"0123abcd_abcd-4ef0-8abc-0123456789ef"', '"0123abcd-abcd-4ef0-8abc-0123456789G0"', '"0123abcd-abcd-4ef0-8abc-012345678:ef"', '"0123abcd-abcd-4ef0-8abc-0123456789/f"', '"0123abcd-abcd-4ef0--abc-0123456789ef"', '"0123abcdaabcd-4ef0-8abc-0123456789ef"', '"0123abc@-abcd-4ef0-8abc-0123456789ef"', '"0123abcd-abcd-4ef0-8abc-0123456789e`"'],
  ...['""', '"a"', '"ab"', '"abc"', '"abcd"', '"é"', '"😀x"', '"é日本"', '"😀😀😀😀"', '"draft"', "true", "false", "null", "[1]", '{"a":1}', "tru", "nul", '"open'],
];

/**
 * The lines scanned by the Wasm scan (in one run, each at its offset) and by the JS scan, every
 * field a key field: where the Wasm scan takes a record, the JS scan must too, and both must
 * take down the same key place and digests; and the Wasm scan splits the run into the lines
 * `eachLine` makes.
 */
function compare(lines: string[]): { wasmTook: number; jsTook: number; refused: number } {
  const b = Buffer.from(lines.join("\n"));
  const wasmKeys = new KeyRecorder(things, NAMES, 16);
  const jsKeys = new KeyRecorder(things, NAMES, 16);
  const { js, wasm } = scanOf(jsKeys);
  const split: [number, number][] = [];
  eachLine(b, 0, b.length, (from, stop) => split.push([from, stop]));
  let wasmTook = 0;
  let jsTook = 0;
  let refused = 0;
  const n = answers(wasm, b, (r, i, n) => {
    const [from, stop] = split[n] ?? [-1, -1];
    expect([r.start[i], r.end[i]]).toEqual([from, stop]);
    const to = stop > from && b[stop - 1] === 13 ? stop - 1 : stop;
    const j = js.scan(b, from, to);
    if (j) jsTook += 1;
    // A line refused for certain goes straight to the full path: the JS scan must refuse it too,
    // or it must hold what the JS side never hands the JS scan (a backslash, a control character).
    if (r.mark[i] === LINE_REFUSED) {
      refused += 1;
      const text = b.toString("utf8", from, to);
      expect(j && !/[\\\u0000-\u001f]/.test(text), text).toBe(false);
    }
    if (r.fast[i] === 1) {
      wasmTook += 1;
      const l = b.toString("utf8", from, stop);
      expect(j, l).toBe(true);
      wasmKeys.addFast(r, i, i + 1, b);
      jsKeys.addScanned(js, b, n);
      expect(lastRecord(wasmKeys.batch), l).toEqual(lastRecord(jsKeys.batch));
    }
  });
  expect(n).toBe(split.length);
  return { wasmTook, jsTook, refused };
}

describe("the Wasm record scan", () => {
  it("runs the Wasm that wasm/record-scan.wat compiles to (scripts/build-wasm.mjs regenerates it)", async () => {
    expect(await compileWat("record-scan")).toBe(RECORD_SCAN_WASM);
  });

  it("takes the plain records itself, fields in any order, with whitespace", () => {
    const spaced = `{ ${PLAIN.map(([k, v]) => `"${k}" :  ${v}`).join(" , ")} }`;
    const lines = [line(PLAIN), line([...PLAIN].reverse()), spaced, `${line(PLAIN)}  `];
    expect(compare(lines)).toMatchObject({ wasmTook: 4, jsTook: 4 });
    // A tab is JSON whitespace between tokens, but JSON.parse refuses one inside a string.
    expect(compare([`${line(PLAIN)}\t`, `{\t${line(PLAIN).slice(1)}`])).toMatchObject({ wasmTook: 2, jsTook: 2 });
    expect(compare([line(PLAIN.map(([k, v]) => [k, k === "j" ? '"a\tb"' : v]))]).wasmTook).toBe(0);
  });

  it("takes the values it claims: common-shape datetimes (24:00 included), uuids of either case, numbers it can make exactly", () => {
    const take: [string, string][] = [
      ["at", '"2026-01-01T24:00:00.000Z"'],
      ["at", '"2026-12-31T23:59:59.999Z"'],
      ["at", '"2026-02-31T00:00:00.000Z"'],
      ["u", '"0123ABCD-ABCD-4EF0-8ABC-0123456789EF"'],
      ["u", '"ffffffff-FFFF-aaaa-AAAA-000000000000"'],
      ["x", "-0"],
      ["x", "1e2"],
      ["x", "-12.5e+2"],
      ["x", "0.000001"],
      ["x", "1e22"],
      ["x", "1e-22"],
      ["n", "123456789012345"],
      ["n", "-7"],
      ["n", "1.0"],
    ];
    const lines = take.map(([field, v]) => line(PLAIN.map(([k, old]) => [k, k === field ? v : old])));
    expect(compare(lines)).toMatchObject({ wasmTook: lines.length, jsTook: lines.length });
  });

  it("says a record is one only where the JS scan does, with the same values: every value in every field", () => {
    const lines: string[] = [];
    for (let f = 0; f < PLAIN.length; f += 1) {
      for (const v of VALUES) lines.push(line(PLAIN.map(([k, old], i) => [k, i === f ? v : old])));
      lines.push(line(PLAIN.filter((_, i) => i !== f)));
    }
    const r = compare(lines);
    expect(r.wasmTook).toBeGreaterThan(PLAIN.length * 10);
    // Most values it does not take, it refuses for certain; the rest (long numbers, other
    // datetimes, enums on numbers) are left to the JS scan.
    expect(r.refused).toBeGreaterThan(PLAIN.length * 10);
    expect(r.refused).toBeLessThan(lines.length - r.wasmTook);
  });

  it("agrees on lines broken at random: bytes dropped, doubled or replaced by JSON's own, or by a line break", () => {
    const rand = mulberry32(11);
    const pieces = ['"', "{", "}", ",", ":", " ", "0", "9", "-", ".", "e", "t", "n", "x", "é", "\n", "\r", "\r\n"];
    const lines: string[] = [];
    for (let i = 0; i < 3000; i += 1) {
      const chars = [...line(PLAIN)];
      for (let e = 0; e < 1 + Math.floor(rand() * 3); e += 1) {
        const at = Math.floor(rand() * chars.length);
        const op = Math.floor(rand() * 3);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, chars[at] ?? "");
        else chars[at] = pieces[Math.floor(rand() * pieces.length)] ?? "";
      }
      lines.push(chars.join(""));
    }
    const r = compare(lines);
    expect(r.wasmTook).toBeGreaterThan(0);
    expect(r.refused).toBeGreaterThan(0);
  });

  it("never reads a record on past its line's end: a record cut by a line feed anywhere is no record", () => {
    // The scan finds a fast line's end itself, so a line feed must stop it wherever it falls:
    // in a key, in a string, in a number or literal, between tokens, or after the record.
    const whole = line(PLAIN);
    const lines: string[] = [];
    for (let at = 1; at < whole.length; at += 1) lines.push(`${whole.slice(0, at)}\n${whole.slice(at)}`, `${whole.slice(0, at)}\r\n${whole.slice(at)}`);
    const r = compare(lines.flatMap((l) => l.split("\n")));
    expect(r.wasmTook).toBe(r.jsTook);
    expect(compare([`${whole} \r`, `${whole}\r\r`, `${whole}\t \r`, `${whole} x`, `${whole}\rx`])).toMatchObject({ wasmTook: 3, jsTook: 3 });
  });

  it("splits a run as eachLine does: empty lines, CRLF, a last line with and without its break", () => {
    for (const text of ["", "\n", "\n\n", "\r\n", "a\r", `${line(PLAIN)}\r\n\n${line(PLAIN)}`, `${line(PLAIN)}\n`]) {
      const b = Buffer.from(text);
      const split: number[][] = [];
      eachLine(b, 0, b.length, (from, stop) => split.push([from, stop]));
      const got: number[][] = [];
      answers(scanOf(new KeyRecorder(things, NAMES, 16)).wasm, b, (r, i) => got.push([r.start[i] ?? -1, r.end[i] ?? -1]));
      expect(got, JSON.stringify(text)).toEqual(split);
    }
    const crlf = Buffer.from(`${line(PLAIN)}\r\n${line(PLAIN)}\r`);
    const fast: number[] = [];
    answers(scanOf(new KeyRecorder(things, NAMES, 16)).wasm, crlf, (r, i) => fast.push(r.fast[i] ?? -1));
    expect(fast).toEqual([1, 1]);
  });

  it("leaves a run too long to copy in (one line past 64 MiB) to the JS side", () => {
    const { wasm } = scanOf(new KeyRecorder(things, NAMES, 16));
    const b = Buffer.alloc(64 * 1024 * 1024 + 1, 0x20);
    expect(wasm.load(b, 0, b.length)).toBe(false);
    expect(() => wasm.scanRun(b, 0, 1, Infinity)).toThrow(/outside the run loaded/);
  });

  it("answers only for the run loaded last on its thread", () => {
    const a = scanOf(new KeyRecorder(things, NAMES, 16)).wasm;
    const other = scanOf(new KeyRecorder(things, NAMES, 16)).wasm;
    const b = Buffer.from(line(PLAIN));
    expect(a.load(b, 0, b.length)).toBe(true);
    expect(a.scanRun(b, 0, 1, Infinity).count).toBe(1);
    expect(() => a.scanRun(Buffer.from(b), 0, 1, Infinity)).toThrow(/outside the run loaded/);
    expect(other.load(b, 0, b.length)).toBe(true);
    expect(() => a.scanRun(b, 0, 1, Infinity)).toThrow(/outside the run loaded/);
  });
});
