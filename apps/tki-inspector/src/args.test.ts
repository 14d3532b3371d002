import { describe, it, expect } from "vitest";
import { parseArgs } from "./args.ts";

describe("parseArgs", () => {
  it("parses the inspect command with every flag", () => {
    const argv = ["inspect", "pkt", "--out", "o", "--attestation", "a.json", "--attestation-key", "ab", "--run-id", "r1", "--json"];
    expect(parseArgs(argv)).toEqual({
      ok: true,
      value: { kind: "inspect", packetDir: "pkt", out: "o", attestation: "a.json", attestationKey: "ab", runId: "r1", json: true },
    });
  });

  it("leaves the attestation flags undefined so the guards can fall back to the environment", () => {
    const parsed = parseArgs(["inspect", "pkt", "--out", "o"]);
    expect(parsed).toMatchObject({ ok: true, value: { attestation: undefined, attestationKey: undefined, runId: undefined, json: false } });
  });

  it("answers --help and -h before anything else", () => {
    expect(parseArgs(["--help"])).toEqual({ ok: true, value: { kind: "help" } });
    expect(parseArgs(["inspect", "-h"])).toEqual({ ok: true, value: { kind: "help" } });
  });

  it("[#45] a usage error is a value naming what is wrong, never a throw", () => {
    const cases: [string[], RegExp][] = [
      [[], /missing command/],
      [["inspectx", "p", "--out", "o"], /unknown command 'inspectx'/],
      [["inspect", "--out", "o"], /missing <packetDir>/],
      [["inspect", "p"], /missing --out/],
      [["inspect", "p", "q", "--out", "o"], /unexpected argument 'q'/],
      [["inspect", "p", "--out", "o", "--skip-guards"], /skip-guards/],
      [["inspect", "p", "--out"], /--out/],
    ];
    for (const [argv, message] of cases) {
      const parsed = parseArgs(argv);
      expect(parsed.ok, argv.join(" ")).toBe(false);
      expect(parsed.ok ? "" : parsed.error.message).toMatch(message);
    }
  });
});
