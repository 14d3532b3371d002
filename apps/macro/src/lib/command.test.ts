import { describe, expect, it } from "vitest";
import { jsonArg, ssotArg } from "./args.ts";
import { macroCommand } from "./command.ts";
import { ioFrom, type Io } from "./io.ts";

function capture(extra: Partial<Io> = {}): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (c: string) => out.push(c) }, stderr: { write: (c: string) => err.push(c) }, env: {}, cwd: "/", signal: new AbortController().signal, ...extra }, out, err };
}

// A command that reports what citty handed it, so the test sees exactly what got through.
const seen: { args: Record<string, unknown>; quiet: boolean | undefined }[] = [];
const probe = macroCommand({
  meta: { name: "probe", description: "records its arguments" },
  args: {
    target: { type: "positional", description: "a target", required: false },
    ssot: ssotArg,
    json: jsonArg,
  },
  run({ args, data }) {
    seen.push({ args: { target: args.target, ssot: args.ssot, json: args.json, quiet: (args as Record<string, unknown>).quiet }, quiet: ioFrom(data).quiet });
    return 7;
  },
});

describe("macroCommand", () => {
  it("hands citty exactly the values that were checked, in a form it cannot read two ways", async () => {
    seen.length = 0;
    const { io } = capture();
    expect(await probe.run(["--ssot=-odd.yaml", "--json=false", "--", "--not-a-flag"], io)).toBe(7);
    expect(await probe.run(["--quiet"], io)).toBe(7);
    expect(seen).toEqual([
      { args: { target: "--not-a-flag", ssot: "-odd.yaml", json: false, quiet: undefined }, quiet: false },
      // --quiet is the dispatcher's: it reaches the command as io.quiet, not as one of its args.
      { args: { target: undefined, ssot: "macro.yaml", json: false, quiet: undefined }, quiet: true },
    ]);
  });

  it("refuses before the command runs: exit 2, the flag named, the usage on stderr, nothing on stdout", async () => {
    seen.length = 0;
    const { io, out, err } = capture();
    expect(await probe.run(["--jsno"], io)).toBe(2);
    expect(seen).toEqual([]);
    expect(out).toEqual([]);
    expect(err.join("")).toMatch(/^macro probe: unknown option '--jsno' \(did you mean --json\?\)\n\n.*USAGE macro probe/s);
  });

  it("prints help on stdout, with colour only for a terminal that allows it", async () => {
    const pipe = capture();
    expect(await probe.run(["--help"], pipe.io)).toBe(0);
    expect(pipe.out.join("")).toContain("--quiet");
    expect(pipe.out.join("")).not.toContain("\u001b[");
    expect(await probe.usage({ isTTY: true }, { NO_COLOR: "1" })).not.toContain("\u001b[");
  });
});
