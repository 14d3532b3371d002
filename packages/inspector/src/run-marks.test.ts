import { describe, expect, it } from "vitest";
import { compileWat } from "../scripts/wasm-compile.mjs";
import { RUN_MARKS_WASM } from "./run-marks-wasm.ts";
import { LINE_NEEDLE, LINE_ODD, LINE_PLAIN, RunMarks } from "./run-marks.ts";
import { jsonMayHoldSecret } from "./secrets.ts";

/** What `RunMarks.line` must say, byte by byte: the slow definition it stands for. */
function expected(bytes: Buffer, from: number, to: number): number {
  for (let i = from; i < to; i += 1) {
    const c = bytes[i] ?? 0;
    const crlf = c === 0x0d && bytes[i + 1] === 0x0a;
    if (c === 0x5c || (c < 0x20 && c !== 0x0a && !crlf)) return LINE_ODD;
  }
  return jsonMayHoldSecret(bytes.toString("latin1", from, to)) ? LINE_NEEDLE : LINE_PLAIN;
}

describe("RunMarks", () => {
  it("finds every backslash, control character and secret needle, at every alignment of the read buffer", () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const alphabet = 'abcdefgh ijklmno"{}:,0123\t\r\u0001\u001fKJ/xo\\';
    const differ: string[] = [];
    for (let round = 0; round < 300; round += 1) {
      // Lines of plain text with, now and then, one odd or needle character or a CRLF ending.
      const lines: string[] = [];
      for (let l = 0; l < 1 + rand(12); l += 1) {
        let line = "";
        for (let k = 0; k < rand(90); k += 1) line += rand(12) === 0 ? (alphabet[rand(alphabet.length)] ?? "a") : "abcdefgh"[rand(8)];
        if (rand(6) === 0) line += ["xox", "gh", "github", "glpat-", "pat", "pa"][rand(6)];
        lines.push(rand(4) === 0 ? `${line}\r` : line);
      }
      const text = Buffer.from(`${lines.join("\n")}\n`, "latin1");
      // A view at every offset 0–7 into a larger buffer, so the word loop meets every alignment.
      const shift = round % 8;
      const backing = Buffer.alloc(text.length + 16);
      text.copy(backing, shift);
      const chunk = backing.subarray(shift, shift + text.length);
      const marks = new RunMarks();
      marks.mark(chunk, 0, chunk.length - 1);
      let from = 0;
      for (const line of lines) {
        let to = from + line.length;
        if (chunk[to - 1] === 0x0d) to -= 1; // as CollectionChecker.valid asks
        const got = marks.line(from, to);
        if (got !== expected(chunk, from, to)) differ.push(`${JSON.stringify(line)} at shift ${shift}: ${got}`);
        from += line.length + 1;
      }
    }
    expect(differ).toEqual([]);
  });

  it("takes a run too long to copy into the Wasm memory (one line past 64 MiB) as odd: the full path checks it", () => {
    const line = Buffer.alloc(64 * 1024 * 1024 + 1, 0x61);
    const marks = new RunMarks();
    marks.mark(line, 0, line.length);
    expect(marks.line(0, line.length)).toBe(LINE_ODD);
    // The next run is looked at again.
    const plain = Buffer.from('{"id":1}');
    marks.mark(plain, 0, plain.length);
    expect(marks.line(0, plain.length)).toBe(LINE_PLAIN);
  });

  it("runs the Wasm that wasm/run-marks.wat compiles to (scripts/build-wasm.mjs regenerates it)", async () => {
    expect(await compileWat("run-marks")).toBe(RUN_MARKS_WASM);
  });
});
