import { PacketSchema, type PacketCollection } from "@macro/ssot";
import { expect } from "vitest";
import type { KeyRecorder } from "./key-recorder.ts";
import { RecordScan } from "./record-scan.ts";
import type { KeyBatch } from "./record-values.ts";
import { HOSTILE_SCHEMA } from "./test-support.ts";
import { LINE_PLAIN, WasmScan, type RunLines } from "./wasm-scan.ts";

// What the Wasm scan's tests share: the hostile schema's `things`, a record of plain values,
// and the scan's answers for a whole run.

export const things = PacketSchema.parse(HOSTILE_SCHEMA).collections.find((c) => c.name === "things") as PacketCollection;

export const PLAIN: [string, string][] = [
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
export const line = (entries: [string, string][]): string => `{${entries.map(([k, v]) => `"${k}":${v}`).join(",")}}`;

export const NAMES = things.fields.map((f) => f.name);

/** What the key checks take down of the last record of a batch: where its key lies, and each field's digest. */
export function lastRecord(batch: KeyBatch): string[] {
  const k = batch.count - 1;
  const out = [`kind ${batch.kind[k]}`, `at ${batch.start[k]}-${batch.end[k]}`, `num ${Object.is(batch.num[k], -0) ? "-0" : String(batch.num[k])}`];
  for (let s = k * batch.slots; s < (k + 1) * batch.slots; s += 1) {
    out.push(batch.present[s] === 1 ? `${batch.digests[s * 2]}/${batch.digests[s * 2 + 1]}` : "absent");
  }
  return out;
}

/** The fields of `things` for a scan whose key fields are all its fields. */
export const scanOf = (keys: KeyRecorder): { js: RecordScan; wasm: WasmScan } => {
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
export function answers(wasm: WasmScan, b: Buffer, visit: (lines: RunLines, i: number, n: number) => void, start = 0, end = b.length, maxLine = Infinity): number {
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
