import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { macro, repoRoot } from "./harness.ts";
import { modes, packetCopy, scratchDir, treeState } from "./hostile-support.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The host paths a broken --out check could change; their modes and owners are compared. */
const HOST = ["/", "/tmp", repoRoot, join(repoRoot, "fixtures"), join(repoRoot, "fixtures/packets/FIX7")];

describe("macro inspect: --out judged before anything runs (no engine here, so a good --out ends blocked)", () => {
  it("refuses every hostile --out with exit 2, before attesting; packet, host modes and scratch unchanged", () => {
    const s = scratchDir();
    dirs.push(s);
    const packet = packetCopy(s);
    mkdirSync(join(s, "real"));
    symlinkSync(join(s, "real"), join(s, "link"));
    symlinkSync(packet, join(s, "to-packet"));
    writeFileSync(join(s, "file"), "x");
    mkdirSync(join(s, "full"));
    writeFileSync(join(s, "full", "keep"), "x");
    const cases: [string, RegExp][] = [
      ["/", /root or a top-level/],
      // The strict CLI refuses an empty value before the --out check runs: exit 2 either way.
      ["", /is empty|needs a non-empty value/],
      [packet, /the packet or inside it/],
      [join(packet, "x"), /the packet or inside it/],
      [join(packet, "data"), /the packet or inside it/],
      [s, /contains the packet|not empty/],
      [join(s, "link"), /symbolic link/],
      [join(s, "link", "new"), /symbolic link/],
      [join(s, "to-packet", "x"), /symbolic link/],
      [join(s, "file"), /existing file/],
      [join(s, "full"), /not empty/],
      [repoRoot, /repository|not empty/],
      [join(repoRoot, ".git", "x"), /\.git|not a directory/],
      ["/etc/macro-out", /system tree/],
      ["/proc/self/cwd", /system tree/],
    ];
    const before = { tree: treeState(s), host: modes(HOST) };
    for (const [out, why] of cases) {
      const run = macro(["inspect", packet, "--out", out], {}, join(s, "run"));
      expect(run.status, `--out ${out}: ${run.stderr}`).toBe(2);
      expect(run.stderr, out).toMatch(why);
      expect(run.stderr).not.toMatch(/internal defect|\n\s+at /);
      expect(existsSync(join(s, "run")), "the run wrote something").toBe(false);
    }
    expect(treeState(s)).toEqual(before.tree);
    expect(modes(HOST)).toEqual(before.host);
  });

  it("a missing packet, or a file as the packet, is exit 2 before attesting or writing anything", () => {
    const s = scratchDir();
    dirs.push(s);
    for (const packet of [join(s, "missing"), join(repoRoot, "macro.yaml")]) {
      const run = macro(["inspect", packet, "--out", join(s, "out")], {}, join(s, "run"));
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toContain(packet);
      expect(readdirSync(s)).toEqual([]);
    }
  });

  it("a good --out with no engine ends blocked (3) and is not even created", () => {
    const s = scratchDir();
    dirs.push(s);
    const packet = packetCopy(s);
    const before = treeState(packet);
    const run = macro(["inspect", packet, "--out", join(s, "new", "out")], {}, join(s, "run"));
    expect(run.status, run.stderr).toBe(3);
    expect(existsSync(join(s, "new"))).toBe(false);
    expect(treeState(packet)).toEqual(before);
  });
});
