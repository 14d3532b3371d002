import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, macro, repoRoot, type CliRun } from "./harness.ts";

const runs: CliRun[] = [];
const track = (run: CliRun) => (runs.push(run), run);
afterEach(() => runs.splice(0).forEach(cleanup));

// citty colours unless CI or NO_COLOR is set; a blank CI lets it try, so the test sees whether
// macro itself keeps escape codes out of a pipe.
const colourful = { CI: "", TERM: "xterm-256color", FORCE_COLOR: "1" };
const ESC = "\u001b[";

/** A refusal: exit 2, the flag named, the usage shown, and nothing run or written. */
function expectRefused(run: CliRun, flag: string, why: RegExp): void {
  expect(run.status, run.stderr).toBe(2);
  expect(run.stdout).toBe("");
  expect(run.stderr).toContain(flag);
  expect(run.stderr).toMatch(why);
  expect(run.stderr).toContain("USAGE macro ");
  expect(run.stderr).not.toContain(ESC);
  expect(existsSync(run.reports), "a refused command writes nothing").toBe(false);
  expect(existsSync(run.checkpoints)).toBe(false);
}

describe("macro — a strict CLI, through the built binary", () => {
  it("an unknown flag is refused with the usage, not ignored (`run --jsno` used to do a full run)", () => {
    expectRefused(track(macro(["run", "--jsno"], colourful)), "--jsno", /unknown option.*did you mean --json\?/);
    expectRefused(track(macro(["status", "--verbose"])), "--verbose", /unknown option/);
    expectRefused(track(macro(["schema", "-x"])), "-x", /unknown option/);
  });

  it("a bad value is refused, naming the flag", () => {
    expectRefused(track(macro(["run", "--json=maybe"])), "--json", /takes no value.*'maybe'/);
    expectRefused(track(macro(["verify", "b.json", "--ssot="])), "--ssot", /non-empty value/);
  });

  it("a missing value is refused, naming the flag (it used to read the repo directory as the SSOT)", () => {
    const run = track(macro(["run", "--ssot"]));
    expectRefused(run, "--ssot", /--ssot needs a value/);
    expect(run.stderr).not.toContain("regular file");
    expectRefused(track(macro(["run", "--ssot", "--json"])), "--ssot", /needs a value \(got the option '--json'/);
    expectRefused(track(macro(["keygen"])), "--out", /--out is required/);
  });

  it("a flag twice and an argument too many are refused", () => {
    expectRefused(track(macro(["run", "--ssot=a.yaml", "--ssot=b.yaml"])), "--ssot", /more than once/);
    expectRefused(track(macro(["status", "extra"])), "extra", /unexpected argument/);
  });

  it("--version prints the version and the commit the bundle was built from, exit 0", () => {
    const run = macro(["--version"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^macro \d+\.\d+\.\d+ \(commit ([0-9a-f]{40}(-dirty)?|unknown)\)\n$/);
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
    // Turbo may replay a bundle built from an earlier commit with the same sources; either way the commit is a real one.
    const commit = /commit ([0-9a-f]{40})/.exec(run.stdout)?.[1];
    if (commit !== undefined && commit !== head) execFileSync("git", ["cat-file", "-e", `${commit}^{commit}`], { cwd: repoRoot });
    expect(macro(["--version", "extra"]).status).toBe(2);
  });

  it("help goes to stdout with exit 0 and no colour into a pipe, whatever the environment asks", () => {
    for (const argv of [["verify", "--help"], ["run", "-h"], ["--help"]]) {
      const run = macro(argv, colourful);
      expect(run.status, argv.join(" ")).toBe(0);
      expect(run.stdout).toMatch(/USAGE|Usage/);
      expect(run.stdout, argv.join(" ")).not.toContain(ESC);
    }
    expect(macro(["run", "--help"]).stdout).toContain("--quiet");
  });

  it("--quiet keeps the result and drops the progress lines", () => {
    const loud = track(macro(["run"]));
    const quiet = track(macro(["run", "--quiet"]));
    expect(loud.status).toBe(3);
    expect(quiet.status).toBe(3);
    expect(loud.stderr).toMatch(/venue/);
    expect(quiet.stderr).toBe("");
    expect(quiet.stdout).toContain("BLOCKED at venue");
  });

  it("--json prints exactly one JSON document on stdout; progress stays on stderr", () => {
    const run = track(macro(["run", "--json"]));
    expect(run.status).toBe(3);
    expect(() => JSON.parse(run.stdout) as unknown).not.toThrow();
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("}");
    expect(run.stdout.startsWith("{")).toBe(true);
    expect(run.stderr).toMatch(/venue/);
  });
});
