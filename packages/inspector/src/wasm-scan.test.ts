import { PacketSchema, type PacketCollection } from "@macro/ssot";
import { describe, expect, it } from "vitest";
import { compileWat } from "../scripts/wasm-compile.mjs";
import { mulberry32 } from "./generate.ts";
import { RECORD_SCAN_WASM } from "./record-scan-wasm.ts";
import { RecordScan } from "./record-scan.ts";
import { HOSTILE_SCHEMA } from "./test-support.ts";

// The Wasm scan may only ever say "a fast-path record" where the JS scan does, with the same
// values (it leaves the rest to the JS scan); and it must take the plain records, or it would
// only cost time.

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
  ...['"0123abcd-abcd-4ef0-8abc-0123456789ef"', '"0123ABCD-ABCD-4EF0-8ABC-0123456789EF"', '"0123abcd-abcd-4ef0-8abc-0123456789eg"', '"0123abcd-abcd-4ef0-8abc-0123456789e"', '"0123abcd_abcd-4ef0-8abc-0123456789ef"'],
  ...['""', '"a"', '"ab"', '"abc"', '"abcd"', '"é"', '"😀x"', '"é日本"', '"😀😀😀😀"', '"draft"', "true", "false", "null", "[1]", '{"a":1}', "tru", "nul", '"open'],
];

/** What a scan found, to compare: each field present, with its value kind, place and number. */
function seenBy(scan: RecordScan, n: number): string[] {
  const out: string[] = [];
  for (let f = 0; f < n; f += 1) {
    if (!scan.has(f)) continue;
    const kind = scan.kind[f] ?? 0;
    out.push(`${f}:${kind}:${kind === 2 ? `${scan.start[f]}-${scan.end[f]}` : ""}:${kind === 3 ? Object.is(scan.num[f], -0) ? "-0" : String(scan.num[f]) : ""}`);
  }
  return out;
}

/** Each line scanned by the Wasm scan (in a run of all of them, each at its offset) and by the JS scan. */
function compare(lines: string[]): { wasmTook: number; jsTook: number } {
  const text = lines.join("\n");
  const b = Buffer.from(text);
  const wasm = new RecordScan(things);
  const js = new RecordScan(things);
  wasm.load(b, 0, b.length);
  let at = 0;
  let wasmTook = 0;
  let jsTook = 0;
  for (const l of lines) {
    const len = Buffer.byteLength(l);
    const w = wasm.scan(b, at, at + len);
    const j = js.scanHere(b, at, at + len);
    if (j) jsTook += 1;
    if (w && wasm.fromWasm) {
      wasmTook += 1;
      expect(j, l).toBe(true);
      expect(seenBy(wasm, things.fields.length), l).toEqual(seenBy(js, things.fields.length));
    }
    at += len + 1;
  }
  return { wasmTook, jsTook };
}

describe("the Wasm record scan", () => {
  it("runs the Wasm that wasm/record-scan.wat compiles to (scripts/build-wasm.mjs regenerates it)", async () => {
    expect(await compileWat("record-scan")).toBe(RECORD_SCAN_WASM);
  });

  it("takes the plain records itself, fields in any order, with whitespace", () => {
    const spaced = `{ ${PLAIN.map(([k, v]) => `"${k}" :\t${v}`).join(" , ")} }`;
    const lines = [line(PLAIN), line([...PLAIN].reverse()), spaced, `${line(PLAIN)}\t `];
    expect(compare(lines)).toEqual({ wasmTook: 4, jsTook: 4 });
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

  it("is not used for a line outside the run loaded: the JS scan answers", () => {
    const scan = new RecordScan(things);
    const b = Buffer.from(line(PLAIN));
    expect(scan.scan(b, 0, b.length)).toBe(true);
    expect(scan.fromWasm).toBe(false);
    scan.load(b, 0, b.length);
    expect(scan.scan(Buffer.from(b), 0, b.length)).toBe(true);
    expect(scan.fromWasm).toBe(false);
    expect(scan.scan(b, 0, b.length)).toBe(true);
    expect(scan.fromWasm).toBe(true);
  });
});
