import { PacketSchema, type PacketCollection } from "@macro/ssot";
import { describe, expect, it } from "vitest";
import { compileWat } from "../scripts/wasm-compile.mjs";
import { mulberry32 } from "./generate.ts";
import { RECORD_SCAN_WASM } from "./record-scan-wasm.ts";
import { KeyRecorder } from "./key-recorder.ts";
import { eachLine } from "./lines.ts";
import { RecordScan } from "./record-scan.ts";
import type { KeyBatch } from "./record-values.ts";
import { HOSTILE_SCHEMA } from "./test-support.ts";
import { jsonMayHoldSecret } from "./secrets.ts";
import { LINE_NEEDLE, LINE_PLAIN, LINE_UNKNOWN, WasmScan, type RunLines } from "./wasm-scan.ts";

// The Wasm scan may only ever say "a fast-path record" where the JS scan does, with the same
// key place and key digests (it leaves the rest to the JS scan); and it must take the plain
// records, or it would only cost time.

const things = PacketSchema.parse(HOSTILE_SCHEMA).collections.find((c) => c.name === "things") as PacketCollection;

const PLAIN: [string, string][] = [
  ["id", '"t-1"'],
  ["n", "7"],
  ["x", "1.25"],
  ["flag", "true"],
  ["at", '"2026-01-01T00:00:00.000Z"'],
  ["u", '"0123abcd-abcd-4ef0-8abc-0123456789ef"'],
  ["code", '"é"'],
  ["t", '"😀😀😀"'],
  ["j", '"x"'],
  ["req", '"wörds hère"'],
  ["parent", '"t-0"'],
  ["ref", "12"],
  ["keyId", '"k1"'],
];
const line = (entries: [string, string][]): string => `{${entries.map(([k, v]) => `"${k}":${v}`).join(",")}}`;

const VALUES = [
  ...["0", "-0", "7", "-7", "1.0", "1.5", "-0.5", "1e2", "1E+2", "2e-1", "-12.5e+2", "123456789012345", "1234567890123456", "0.000001", "1e22", "1e23", "1e-22", "1e-23", "12345678901234567890", "1e400", "01", "1.", ".5", "+1", "-", "1e", "1e+", "0x10"],
  ...['"2026-01-01T00:00:00.000Z"', '"2026-12-31T23:59:59.999Z"', '"2026-13-01T00:00:00.000Z"', '"2026-02-31T24:00:00.000Z"', '"2026-01-01T24:00:00.000Z"', '"2026-01-01T24:00:01.000Z"', '"2026-01-01"', '"2026-01-01T10:00:00+02:00"', '"2026-01-01T00:00:00.000z"'],
  ...['"2026-01-01T24:00:00.001Z"', '"2026-01-01T24:01:00.000Z"', '"2026-01-01T23:60:00.000Z"', '"2026-01-01T23:59:60.000Z"', '"2026-00-01T00:00:00.000Z"', '"2026-01-00T00:00:00.000Z"', '"2026-01-32T00:00:00.000Z"', '"2026-01-01T00:00:00.0a0Z"', '"2026-01-01t00:00:00.000Z"', '"2026-01-01T00:00:00.000Zx"', '"2026/01/01T00:00:00.000Z"', '"9999-12-31T24:00:00.000Z"'],
  ...['"0123abcd-abcd-4ef0-8abc-0123456789ef"', '"0123ABCD-ABCD-4EF0-8ABC-0123456789EF"', '"0123abcd-abcd-4ef0-8abc-0123456789eg"', '"0123abcd-abcd-4ef0-8abc-0123456789e"', '"0123abcd_abcd-4ef0-8abc-0123456789ef"', '"0123abcd-abcd-4ef0-8abc-0123456789G0"', '"0123abcd-abcd-4ef0-8abc-012345678:ef"', '"0123abcd-abcd-4ef0-8abc-0123456789/f"', '"0123abcd-abcd-4ef0--abc-0123456789ef"', '"0123abcdaabcd-4ef0-8abc-0123456789ef"', '"0123abc@-abcd-4ef0-8abc-0123456789ef"', '"0123abcd-abcd-4ef0-8abc-0123456789e`"'],
  ...['""', '"a"', '"ab"', '"abc"', '"abcd"', '"é"', '"😀x"', '"é日本"', '"😀😀😀😀"', '"draft"', "true", "false", "null", "[1]", '{"a":1}', "tru", "nul", '"open'],
];

const NAMES = things.fields.map((f) => f.name);

/** What the key checks take down of the last record of a batch: where its key lies, and each field's digest. */
function lastRecord(batch: KeyBatch): string[] {
  const k = batch.count - 1;
  const out = [`kind ${batch.kind[k]}`, `at ${batch.start[k]}-${batch.end[k]}`, `num ${Object.is(batch.num[k], -0) ? "-0" : String(batch.num[k])}`];
  for (let s = k * batch.slots; s < (k + 1) * batch.slots; s += 1) {
    out.push(batch.present[s] === 1 ? `${batch.digests[s * 2]}/${batch.digests[s * 2 + 1]}` : "absent");
  }
  return out;
}

/** The fields of `things` for a scan whose key fields are all its fields. */
const scanOf = (keys: KeyRecorder): { js: RecordScan; wasm: WasmScan } => {
  const js = new RecordScan(things, keys.fieldIndexes);
  const wasm = WasmScan.create(js.fields);
  if (wasm === null) throw new Error("no Wasm scan for things");
  return { js, wasm };
};

/**
 * Every answer of the Wasm scan for the run `b[start, end)` (all of `b` by default), called
 * again after each batch of lines, lines numbered from 1 and past `maxLine` bytes exceptions;
 * each batch's exceptions must be exactly its lines that are not plain fast records within the
 * limit, in order, and each line must carry its number.
 */
function answers(wasm: WasmScan, b: Buffer, visit: (lines: RunLines, i: number, n: number) => void, start = 0, end = b.length, maxLine = Infinity): number {
  expect(wasm.load(b, start, end)).toBe(true);
  let n = 0;
  for (let from = start; ; ) {
    const lines = wasm.scanRun(b, from, n + 1, maxLine);
    const exceptions: number[] = [];
    for (let i = 0; i < lines.count; i += 1) {
      expect(lines.lineNo[i]).toBe(n + i + 1);
      const within = (lines.end[i] ?? 0) - (lines.start[i] ?? 0) <= maxLine;
      if (!(lines.fast[i] === 1 && lines.mark[i] === LINE_PLAIN && within)) exceptions.push(i);
      visit(lines, i, n + i);
    }
    expect([...lines.exceptions.subarray(0, lines.exceptionCount)]).toEqual(exceptions);
    n += lines.count;
    const last = lines.end[lines.count - 1] ?? end;
    if (last >= end) return n;
    from = last + 1;
  }
}

const parses = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** What `RunLines.mark` must say of a line `bytes[from, to)` the scan took: the slow definition it stands for. */
function expectedMark(bytes: Buffer, from: number, to: number): number {
  return jsonMayHoldSecret(bytes.toString("latin1", from, to)) ? LINE_NEEDLE : LINE_PLAIN;
}

/**
 * The lines scanned by the Wasm scan (in one run, each at its offset) and by the JS scan, every
 * field a key field: where the Wasm scan takes a record, the JS scan must too, and both must
 * take down the same key place and digests; and the Wasm scan splits the run into the lines
 * `eachLine` makes.
 */
function compare(lines: string[]): { wasmTook: number; jsTook: number } {
  const b = Buffer.from(lines.join("\n"));
  const wasmKeys = new KeyRecorder(things, NAMES, 16);
  const jsKeys = new KeyRecorder(things, NAMES, 16);
  const { js, wasm } = scanOf(jsKeys);
  const split: [number, number][] = [];
  eachLine(b, 0, b.length, (from, stop) => split.push([from, stop]));
  let wasmTook = 0;
  let jsTook = 0;
  const n = answers(wasm, b, (r, i, n) => {
    const [from, stop] = split[n] ?? [-1, -1];
    expect([r.start[i], r.end[i]]).toEqual([from, stop]);
    const to = stop > from && b[stop - 1] === 13 ? stop - 1 : stop;
    const j = js.scan(b, from, to);
    if (j) jsTook += 1;
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
  return { wasmTook, jsTook };
}

describe("the Wasm record scan", () => {
  it("runs the Wasm that wasm/record-scan.wat compiles to (scripts/build-wasm.mjs regenerates it)", async () => {
    expect(await compileWat("record-scan")).toBe(RECORD_SCAN_WASM);
  });

  it("takes the plain records itself, fields in any order, with whitespace", () => {
    const spaced = `{ ${PLAIN.map(([k, v]) => `"${k}" :  ${v}`).join(" , ")} }`;
    const lines = [line(PLAIN), line([...PLAIN].reverse()), spaced, `${line(PLAIN)}  `];
    expect(compare(lines)).toEqual({ wasmTook: 4, jsTook: 4 });
    // A tab is JSON whitespace between tokens, but JSON.parse refuses one inside a string.
    expect(compare([`${line(PLAIN)}\t`, `{\t${line(PLAIN).slice(1)}`])).toEqual({ wasmTook: 2, jsTook: 2 });
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
    expect(compare(lines)).toEqual({ wasmTook: lines.length, jsTook: lines.length });
  });

  it("says a record is one only where the JS scan does, with the same values: every value in every field", () => {
    const lines: string[] = [];
    for (let f = 0; f < PLAIN.length; f += 1) {
      for (const v of VALUES) lines.push(line(PLAIN.map(([k, old], i) => [k, i === f ? v : old])));
      lines.push(line(PLAIN.filter((_, i) => i !== f)));
    }
    const r = compare(lines);
    expect(r.wasmTook).toBeGreaterThan(PLAIN.length * 10);
  });

  it("agrees on lines broken at random: bytes dropped, doubled or replaced by JSON's own", () => {
    const rand = mulberry32(11);
    const pieces = ['"', "{", "}", ",", ":", " ", "0", "9", "-", ".", "e", "t", "n", "x", "é"];
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

  it("marks the records it takes that hold a secret needle, and takes none with a backslash or a control character in a string", () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const alphabet = 'abcdefgh ijklmno"{}:,0123\t\r\u0001\u001fKJ/xo\\';
    const differ: string[] = [];
    let taken = 0;
    const { wasm } = scanOf(new KeyRecorder(things, NAMES, 16));
    for (let round = 0; round < 300; round += 1) {
      // Records whose text fields hold plain words with, now and then, an odd or needle
      // character (a quote or a brace breaks the record: then it is not taken at all).
      const lines: string[] = [];
      for (let l = 0; l < 1 + rand(12); l += 1) {
        const text = (): string => {
          let t = "";
          for (let k = 0; k < rand(60); k += 1) t += rand(12) === 0 ? (alphabet[rand(alphabet.length)] ?? "a") : "abcdefgh"[rand(8)];
          if (rand(6) === 0) t += ["xox", "gh", "github", "glpat-", "pat", "pa", "x", "g", "p"][rand(9)];
          return `"${t}"`;
        };
        const record = line(PLAIN.map(([k, v]) => [k, k === "j" || k === "req" ? text() : v]));
        lines.push(rand(4) === 0 ? `${record}\r` : record);
      }
      const bytes = Buffer.from(`${lines.join("\n")}\n`);
      // A view at every offset 0–7 into a larger buffer, so the vector loop meets every alignment.
      const shift = round % 8;
      const backing = Buffer.alloc(bytes.length + 16);
      bytes.copy(backing, shift);
      const chunk = backing.subarray(shift, shift + bytes.length);
      answers(
        wasm,
        chunk,
        (r, i) => {
          const from = r.start[i] ?? 0;
          let to = r.end[i] ?? 0;
          if (to > from && chunk[to - 1] === 0x0d) to -= 1;
          const want = expectedMark(chunk, from, to);
          const got = r.fast[i] === 1 ? r.mark[i] : LINE_UNKNOWN;
          if (got === LINE_UNKNOWN) {
            if (r.mark[i] !== LINE_UNKNOWN) differ.push(`not taken, yet marked ${r.mark[i]}`);
            return;
          }
          taken += 1;
          const text = chunk.toString("utf8", from, to);
          if (got !== want) differ.push(`${JSON.stringify(text)} at shift ${shift}: ${got}, not ${want}`);
          // What JSON.parse refuses (a control character in a string) or decodes (an escape) is never taken.
          if (text.includes("\\") || !parses(text)) differ.push(`${JSON.stringify(text)} taken`);
        },
        0,
        chunk.length - 1,
      );
    }
    expect(differ).toEqual([]);
    expect(taken).toBeGreaterThan(300);
  });

  it("marks every record it takes as holding a needle when a field name holds one", () => {
    const keyed = PacketSchema.parse({ collections: [{ name: "k", primaryKey: "id", fields: [{ name: "id", type: "integer" }, { name: "apiKey", type: "string" }] }] }).collections[0] as PacketCollection;
    const keys = new KeyRecorder(keyed, ["id"], 16);
    const wasm = WasmScan.create(new RecordScan(keyed, keys.fieldIndexes).fields);
    if (wasm === null) throw new Error("no Wasm scan");
    const marks: number[] = [];
    answers(wasm, Buffer.from('{"id":1}\n{"id":2,"apiKey":"plain"}'), (r, i) => marks.push(r.fast[i] === 1 ? (r.mark[i] ?? -1) : -1));
    expect(marks).toEqual([LINE_NEEDLE, LINE_NEEDLE]);
  });

  it("lists the lines past the length limit as exceptions, taken or not", () => {
    const b = Buffer.from([line(PLAIN), "x".repeat(300), line(PLAIN.slice(0, 3)), line(PLAIN)].join("\n"));
    const listed: number[] = [];
    answers(scanOf(new KeyRecorder(things, NAMES, 16)).wasm, b, (r, i) => {
      if ((r.end[i] ?? 0) - (r.start[i] ?? 0) > 150 || r.fast[i] !== 1) listed.push(i);
    }, 0, b.length, 150);
    // Line 0 and 3 are plain records longer than 150 bytes, line 1 is not JSON, line 2 is short but lacks required fields.
    expect(listed).toEqual([0, 1, 2, 3]);
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
