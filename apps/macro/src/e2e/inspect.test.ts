import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listFiles, macro, repoRoot } from "./harness.ts";
import { modes, packetCopy, scratchDir, treeState } from "./hostile-support.ts";

// Real Docker where an engine answers; otherwise reported skipped with the reason.
const engine = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8" }).status === 0;
const withEngine = { DOCKER_HOST: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock" };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const HOST = ["/", "/tmp", repoRoot, join(repoRoot, "fixtures/packets")];

describe.skipIf(!engine)("macro inspect on a real engine (skipped: no container engine)", () => {
  it("FIX7 into a new --out: the golden report, the packet unchanged, no host mode changed, no private dir left", () => {
    const s = scratchDir();
    dirs.push(s);
    const packet = packetCopy(s);
    // The sandbox's private directory is made under TMPDIR: one of this test's own, to see it go.
    const tmp = join(s, "tmp");
    mkdirSync(tmp);
    const before = { packet: treeState(packet), host: modes(HOST), scratch: readdirSync(s).sort() };
    const run = macro(["inspect", packet, "--out", join(s, "new", "out")], { ...withEngine, TMPDIR: tmp }, join(s, "run"));
    expect(run.status, run.stderr).toBe(0);
    const out = join(s, "new", "out");
    expect(readdirSync(out).sort()).toEqual(["report.json", "report.md"]);
    // The report names the packet by its manifest, not its path: the copy's report is the golden one.
    expect(readFileSync(join(out, "report.json"), "utf8")).toBe(readFileSync(join(repoRoot, "fixtures/packets/FIX7.expected/report.json"), "utf8"));
    expect(statSync(out).mode & 0o777).not.toBe(0o777);
    expect(statSync(out).uid).toBe(process.getuid?.());
    expect(treeState(packet)).toEqual(before.packet);
    expect(modes(HOST)).toEqual(before.host);
    expect(readdirSync(s).sort()).toEqual([...before.scratch, "new", "run"].sort());
    expect(readdirSync(tmp)).toEqual([]);
  }, 300_000);

  it("an existing empty --out keeps its mode and owner; the report lands in it", () => {
    const s = scratchDir();
    dirs.push(s);
    const out = join(s, "mine");
    mkdirSync(out, { mode: 0o750 });
    const mode = statSync(out).mode;
    const run = macro(["inspect", join(repoRoot, "fixtures/packets/FIX7"), "--out", out], withEngine, join(s, "run"));
    expect(run.status, run.stderr).toBe(0);
    expect(statSync(out).mode).toBe(mode);
    expect(readdirSync(out).sort()).toEqual(["report.json", "report.md"]);
  }, 300_000);

  it("hostile --out with an engine present: refused with 2 before attesting (no attestation written), nothing changed", () => {
    const s = scratchDir();
    dirs.push(s);
    const packet = packetCopy(s);
    mkdirSync(join(s, "real"));
    symlinkSync(join(s, "real"), join(s, "parent-link"));
    symlinkSync(join(s, "real"), join(s, "out-link"));
    const before = { tree: treeState(s), host: modes(HOST) };
    for (const out of ["/", "", packet, join(packet, "x"), join(s, "out-link"), join(s, "parent-link", "out"), join(repoRoot, "macro.yaml")]) {
      const run = macro(["inspect", packet, "--out", out], withEngine, join(s, "run"));
      expect(run.status, `--out ${out}: ${run.stderr}`).toBe(2);
      expect(listFiles(join(s, "run", "reports"))).toEqual([]);
    }
    expect(treeState(s)).toEqual(before.tree);
    expect(modes(HOST)).toEqual(before.host);
  }, 300_000);
});
