import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDirSync } from "../index.ts";
import { PRODUCT_IMAGES } from "./engine.ts";
import { sweepDeadRuns } from "./temp-dir.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(HERE, "..", "..", "test-fixtures", "leaky");
const VITEST = join(dirname(fileURLToPath(import.meta.resolve("vitest/package.json"))), "vitest.mjs");
const engineAnswers = (() => {
  try {
    execFileSync("docker", ["version", "--format", "{{.Server.Version}}"], { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
})();

/** The leaking fixture under the real guard, in a child vitest whose shared temp dir is a fresh one of ours. */
function runLeaky(leak: string, env: Record<string, string> = {}) {
  const shared = tempDirSync("macro-guard-shared-");
  const r = spawnSync(process.execPath, [VITEST, "run", "--config", join(FIXTURE, "vitest.config.ts"), "--root", FIXTURE], {
    encoding: "utf8",
    env: { ...process.env, TMPDIR: shared, LEAK: leak, LEAK_SHARED_DIR: shared, MACRO_LEAK_GUARD: "", ...env },
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}`, shared, left: readdirSync(shared) };
}

// Each test starts a whole vitest run; on a loaded machine that takes far more than the default.
describe("the leak guard", { timeout: 180_000 }, () => {
  it("passes a run that cleans up after itself, and leaves nothing of its own", () => {
    const r = runLeaky("none");
    expect(r.out).not.toMatch(/leak guard/);
    expect(r.status, r.out).toBe(0);
    expect(r.left).toEqual([]);
  });

  it.each(["temp", "temp-file"])("fails a run that leaves a %s in its temp dir, names it, and removes it", (leak) => {
    const r = runLeaky(leak);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/\[leak guard\] this test run left 1 thing\(s\) behind/);
    expect(r.out).toMatch(leak === "temp" ? /temp \S*macro-test-run-[\w-]+\/inspector-leak-\w+/ : /temp \S*macro-test-run-[\w-]+\/macro-leak\.json/);
    expect(r.out).not.toMatch(/macro-clean-/);
    expect(r.left).toEqual([]);
  });

  it("reports a project-named newcomer in the shared temp dir, and fails on it only when strict", () => {
    const lenient = runLeaky("shared");
    expect(lenient.status, lenient.out).toBe(0);
    expect(lenient.out).toMatch(/noticed, not failing:\n\s+temp \S+\/tki-outside-leak \(new in the shared temp dir\)/);
    const strict = runLeaky("shared", { MACRO_LEAK_GUARD: "strict" });
    expect(strict.status).not.toBe(0);
    expect(strict.out).toMatch(/left 1 thing\(s\) behind[^]*tki-outside-leak/);
  });

  it.skipIf(!engineAnswers)("fails a run that leaves a network labelled with its owner, and removes it (needs a docker engine)", () => {
    const r = runLeaky("network");
    expect(r.status).not.toBe(0);
    const name = /engine network (macro-leak-\d+) \(labelled macro\.owner=[\w-]+\)/.exec(r.out)?.[1];
    expect(name, r.out).toBeDefined();
    expect(spawnSync("docker", ["network", "inspect", name ?? ""]).status).not.toBe(0);
  });

  it("knows the product image macro.yaml names", () => {
    const yaml = readFileSync(join(HERE, "..", "..", "..", "..", "macro.yaml"), "utf8");
    const image = /^\s+image:\s*"?([^"\s]+)"?\s*$/m.exec(yaml)?.[1];
    expect(PRODUCT_IMAGES).toEqual([image]);
    expect(existsSync(FIXTURE)).toBe(true);
  });
});

describe("sweepDeadRuns", () => {
  it("removes the run dirs of guarded runs whose process is gone, and no other", () => {
    const shared = tempDirSync("macro-sweep-");
    const dead = spawnSync("true").pid;
    const names = [`macro-test-run-${dead}-aaaaaa`, `macro-test-run-${process.pid}-bbbbbb`, "macro-test-run-cccccc", "macro-other-1-x"];
    for (const n of names) mkdirSync(`${shared}/${n}`);
    expect(sweepDeadRuns(shared)).toEqual([`${shared}/macro-test-run-${dead}-aaaaaa`]);
    expect(readdirSync(shared).sort()).toEqual(names.slice(1).sort());
  });
});
