import type { ArgsDef } from "citty";
import { describe, expect, it } from "vitest";
import { canonicalArgv, globalArgs, jsonArg, ssotArg, strictArgs, type ArgProblemCode } from "./args.ts";

const run = { ssot: ssotArg, json: jsonArg, ...globalArgs } satisfies ArgsDef;
const verify = {
  bundle: { type: "positional", description: "bundle", required: true },
  key: { type: "string", description: "key" },
  out: { type: "string", description: "out", required: true },
  json: jsonArg,
} satisfies ArgsDef;

const refused = (argv: string[], def: ArgsDef): { code: ArgProblemCode; flag: string; message: string } => {
  const r = strictArgs(argv, def);
  if (r.ok) throw new Error(`accepted ${JSON.stringify(argv)} as ${JSON.stringify(r.value)}`);
  return r.error;
};
const canonical = (argv: string[], def: ArgsDef): string[] => {
  const r = strictArgs(argv, def);
  if (!r.ok) throw new Error(r.error.message);
  if (r.value.help) throw new Error("help");
  return canonicalArgv(r.value.values, r.value.positionals);
};

describe("strictArgs", () => {
  it("accepts the declared flags and returns them in one canonical form", () => {
    expect(canonical([], run)).toEqual([]);
    expect(canonical(["--ssot", "a.yaml", "--json"], run)).toEqual(["--ssot=a.yaml", "--json"]);
    expect(canonical(["--ssot=a.yaml", "--json=false", "--quiet"], run)).toEqual(["--ssot=a.yaml", "--no-json", "--quiet"]);
    expect(canonical(["--no-json"], run)).toEqual(["--no-json"]);
    expect(canonical(["--ssot=-odd-name.yaml"], run)).toEqual(["--ssot=-odd-name.yaml"]);
    expect(canonical(["b.json", "--out", "o"], verify)).toEqual(["--out=o", "--", "b.json"]);
    // After `--` everything is a positional, even what looks like a flag.
    expect(canonical(["--out", "o", "--", "--json"], verify)).toEqual(["--out=o", "--", "--json"]);
  });

  it("refuses unknown flags, naming them and the nearest known one", () => {
    expect(refused(["--jsno"], run)).toMatchObject({ code: "ARG_UNKNOWN", flag: "--jsno", message: expect.stringContaining("did you mean --json?") });
    for (const argv of [["-j"], ["--JSON"], ["--"+"ssot-file=x"], ["--="], ["---json"], ["--no-ssot"], ["--no-quietly"]]) {
      expect(refused(argv, run).code, argv.join(" ")).toBe("ARG_UNKNOWN");
    }
  });

  it("refuses a boolean given any value but true or false", () => {
    for (const value of ["maybe", "", "1", "yes", "TRUE"]) expect(refused([`--json=${value}`], run)).toMatchObject({ code: "ARG_BAD_VALUE", flag: "--json" });
    expect(refused(["--no-json=false"], run)).toMatchObject({ code: "ARG_BAD_VALUE", flag: "--json" });
  });

  it("refuses a string flag without a value, or with the next flag taken as its value", () => {
    expect(refused(["--ssot"], run)).toMatchObject({ code: "ARG_MISSING_VALUE", flag: "--ssot" });
    expect(refused(["--ssot", "--json"], run)).toMatchObject({ code: "ARG_MISSING_VALUE", flag: "--ssot" });
    expect(refused(["--ssot", "-x"], run)).toMatchObject({ code: "ARG_MISSING_VALUE", flag: "--ssot" });
    expect(refused(["--ssot="], run)).toMatchObject({ code: "ARG_BAD_VALUE", flag: "--ssot" });
    expect(refused(["--ssot", " "], run)).toMatchObject({ code: "ARG_BAD_VALUE", flag: "--ssot" });
  });

  it("refuses a flag given twice, even once negated", () => {
    expect(refused(["--ssot=a", "--ssot=b"], run)).toMatchObject({ code: "ARG_REPEATED", flag: "--ssot" });
    expect(refused(["--json", "--no-json"], run)).toMatchObject({ code: "ARG_REPEATED", flag: "--json" });
  });

  it("refuses missing required options and positionals, and positionals too many", () => {
    expect(refused(["b.json"], verify)).toMatchObject({ code: "ARG_REQUIRED", flag: "--out" });
    expect(refused(["--out", "o"], verify)).toMatchObject({ code: "ARG_REQUIRED", flag: "BUNDLE" });
    expect(refused(["b.json", "c.json", "--out", "o"], verify)).toMatchObject({ code: "ARG_EXTRA", flag: "c.json" });
    expect(refused(["stray"], run)).toMatchObject({ code: "ARG_EXTRA", flag: "stray" });
  });

  it("answers --help and -h where they stand (after a refused flag, no), and not after --", () => {
    expect(strictArgs(["--jsno", "--help"], run)).toEqual({ ok: false, error: expect.objectContaining({ code: "ARG_UNKNOWN" }) });
    expect(strictArgs(["--json", "-h"], run)).toEqual({ ok: true, value: { help: true } });
    expect(canonical(["--out=o", "--", "--help"], verify)).toEqual(["--out=o", "--", "--help"]);
  });

  it("does not take inherited object keys for declared flags", () => {
    expect(refused(["--constructor"], run).code).toBe("ARG_UNKNOWN");
    expect(refused(["--toString=x"], run).code).toBe("ARG_UNKNOWN");
  });

  it("refuses to validate an argument kind it does not know, rather than let it through", () => {
    expect(() => strictArgs([], { level: { type: "enum", options: ["a"], description: "" } })).toThrow(/unsupported argument kind/);
  });
});
