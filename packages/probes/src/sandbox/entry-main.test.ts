import { describe, expect, it } from "vitest";
import { ProbeReport } from "@macro/ssot";
import { fakeEnv, TEST_NONCE } from "./_test-support.ts";
import { runEntry } from "./entry-main.ts";

const N = ["--nonce", TEST_NONCE];
const EXPECT = [{ id: "P07-PROC-NO-NEW-PRIVS", title: "nnp", expected: { noNewPrivs: 1 } }];

function io(files: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: (text: string) => out.push(text),
      stderr: (text: string) => err.push(text),
      readFile: async (path: string) => {
        const text = files[path];
        if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
        return text;
      },
      probeEnv: fakeEnv(),
    },
  };
}

describe("runEntry", () => {
  it("prints exactly one JSON report and returns 0 for inline expectations", async () => {
    const t = io();
    expect(await runEntry(["--expect-json", JSON.stringify(EXPECT), ...N], t.io)).toBe(0);
    expect(t.out).toHaveLength(1);
    const report = ProbeReport.parse(JSON.parse(t.out[0] ?? ""));
    expect(report.probes.map((p) => p.verdict)).toEqual(["PASS"]);
    expect(report.nonce).toBe(TEST_NONCE);
    expect(report.probes[0]?.nonce).toBe(TEST_NONCE);
    expect(t.err).toEqual([]);
  });

  it("reads a file holding the SSOT sandbox block ({probes: [...]}, other keys ignored)", async () => {
    const t = io({ "/in/expect.json": JSON.stringify({ image: "x", probes: EXPECT }) });
    expect(await runEntry([...N, "/in/expect.json"], t.io)).toBe(0);
    expect(t.out).toHaveLength(1);
  });

  it("returns 0 even when probes fail: the caller judges verdicts", async () => {
    const t = io();
    const failing = [{ ...EXPECT[0], expected: { noNewPrivs: 0 } }];
    expect(await runEntry(["--expect-json", JSON.stringify(failing), ...N], t.io)).toBe(0);
    expect(JSON.parse(t.out[0] ?? "").probes[0].verdict).toBe("FAIL");
  });

  const bad: [string, string[], Record<string, string>][] = [
    ["no arguments", [], {}],
    ["too many arguments", ["a", "b", ...N], {}],
    ["a missing file", ["/nope.json", ...N], {}],
    ["invalid JSON", ["--expect-json", "{", ...N], {}],
    ["an empty list", ["--expect-json", "[]", ...N], {}],
    ["a malformed id", ["--expect-json", JSON.stringify([{ id: "p1", title: "t", expected: {} }]), ...N], {}],
    ["an unknown flag", ["--help", ...N], {}],
    ["no nonce (the attester always issues one)", ["--expect-json", JSON.stringify(EXPECT)], {}],
    ["a short nonce", ["--expect-json", JSON.stringify(EXPECT), "--nonce", "abc"], {}],
    ["two nonces", ["--expect-json", JSON.stringify(EXPECT), ...N, ...N], {}],
  ];
  for (const [why, args, files] of bad) {
    it(`returns 2 with usage on stderr and nothing on stdout for ${why}`, async () => {
      const t = io(files);
      expect(await runEntry(args, t.io)).toBe(2);
      expect(t.out).toEqual([]);
      expect(t.err.join("")).toContain("usage: probe-entry.cjs");
    });
  }
});
