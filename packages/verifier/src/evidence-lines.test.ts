import { describe, expect, it } from "vitest";
import { checkEvidenceLines, evidenceLines } from "./evidence-lines.ts";
import { sha256Hex } from "./hash.ts";

const a = '{"payload":"a"}';
const b = '{"payload":"b"}';
const c = '{"payload":"c"}';
const file = (...lines: string[]) => Buffer.from(lines.map((l) => `${l}\n`).join(""));
const pins = (...lines: string[]) => lines.map((l) => sha256Hex(l));
const codes = (bytes: Buffer, pinned: string[]) => checkEvidenceLines(bytes, pinned).reasons.map((r) => r.code);

describe("evidenceLines", () => {
  it("hashes each line's raw bytes without its newline, drops CR and skips empty lines", () => {
    const lines = evidenceLines(Buffer.from(`${a}\r\n\n${b}`));
    expect(lines.map((l) => [l.line, l.sha256])).toEqual([
      [1, sha256Hex(a)],
      [3, sha256Hex(b)],
    ]);
  });
});

describe("checkEvidenceLines", () => {
  it("accepts a bundle whose lines are exactly the pinned ones, in order", () => {
    expect(checkEvidenceLines(file(a, b), pins(a, b))).toMatchObject({ ok: true, reasons: [] });
  });

  it("rejects a dropped line: LINE_MISSING", () => {
    expect(codes(file(a), pins(a, b))).toEqual(["LINE_MISSING"]);
  });

  it("rejects an injected line: LINE_EXTRA", () => {
    expect(codes(file(a, b, c), pins(a, b))).toEqual(["LINE_EXTRA"]);
  });

  it("rejects a replayed line, so a duplicate never counts twice: LINE_DUPLICATE", () => {
    expect(codes(file(a, b, a), pins(a, b))).toEqual(["LINE_DUPLICATE"]);
  });

  it("rejects a re-encoded line (same JSON, other bytes): LINE_EXTRA and LINE_MISSING", () => {
    expect(codes(file(a, '{ "payload": "b" }'), pins(a, b)).sort()).toEqual(["LINE_EXTRA", "LINE_MISSING"]);
  });

  it("rejects reordered lines: LINE_ORDER", () => {
    expect(codes(file(b, a), pins(a, b))).toEqual(["LINE_ORDER"]);
  });
});
