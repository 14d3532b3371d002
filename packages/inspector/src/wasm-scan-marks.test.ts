import { PacketSchema, type PacketCollection } from "@macro/ssot";
import { describe, expect, it } from "vitest";
import { KeyRecorder } from "./key-recorder.ts";
import { RecordScan } from "./record-scan.ts";
import { jsonMayHoldSecret } from "./secrets.ts";
import { LINE_NEEDLE, LINE_PLAIN, LINE_REFUSED, LINE_UNKNOWN, WasmScan } from "./wasm-scan.ts";
import { answers, line, NAMES, PLAIN, scanOf, things } from "./wasm-test-support.ts";

// The Wasm scan looks at every string it reads for what JSON.parse refuses or decodes (a control
// character, a backslash: then the line is not taken) and for a secret needle (then the record
// is marked, and the hint pattern decides), and lists what the JS side must look at itself.

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

describe("the Wasm record scan's marks and exceptions", () => {
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
            if (r.mark[i] !== LINE_UNKNOWN && r.mark[i] !== LINE_REFUSED) differ.push(`not taken, yet marked ${r.mark[i]}`);
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
});
