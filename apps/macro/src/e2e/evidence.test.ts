import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDirSync } from "@macro/test-utils";
import { entryHash, GENESIS_HASH, serializeEntry, type LedgerEntry } from "@macro/report";
import { keyedSsot, macro, repoRoot } from "./harness.ts";

const scratch = tempDirSync("macro-evidence-");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the CLI against a copy of `reports` (each tamper on its own copy), the SSOT given. */
function against(reports: string, args: string[], ssot: string) {
  return macro([...args, "--ssot", ssot], { MACRO_REPORTS_DIR: reports }, join(reports, ".."));
}

function copyOf(reports: string, name: string): string {
  const dir = join(scratch, name, "reports");
  mkdirSync(join(scratch, name), { recursive: true });
  cpSync(reports, dir, { recursive: true });
  return dir;
}

const records = (reports: string) => readdirSync(reports).filter((f) => /^run-record-.*-[0-9a-f]{16}\.json$/.test(f)).sort();

describe("macro verify answers unreadable input with exit 2, at once, never hanging", () => {
  const hostile = join(scratch, "hostile");
  beforeAll(() => {
    mkdirSync(hostile, { recursive: true });
    spawnSync("mkfifo", [join(hostile, "fifo.json")]);
    writeFileSync(join(hostile, "big.json"), "");
    truncateSync(join(hostile, "big.json"), 100 * 1024 * 1024);
  });

  it.each([
    ["a FIFO", "fifo.json", "is a FIFO, not a regular file"],
    ["a character device", "/dev/zero", "is a character device, not a regular file"],
    ["a directory", ".", "is a directory, not a regular file"],
    ["a 100 MB file", "big.json", "over the"],
    ["a missing file", "nope.json", "no such file"],
  ])("%s: exit 2 naming why, no stack trace", (_what, name, why) => {
    const file = name.startsWith("/") ? name : join(hostile, name);
    // The timeout only catches a hang (a blocking open, an endless read); it is no speed target.
    const run = spawnSync(process.execPath, [join(repoRoot, "apps/macro/bin.cjs"), "verify", file], { cwd: repoRoot, encoding: "utf8", timeout: 20_000, env: { PATH: process.env.PATH ?? "", MACRO_REPORTS_DIR: join(hostile, "reports") } });
    expect(run.error).toBeUndefined();
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain(why);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("a FIFO planted in reports/ is refused, never opened for reading", () => {
  it("as the latest-blocker pointer: macro status exits 2 at once", () => {
    const reports = join(scratch, "planted", "reports");
    mkdirSync(reports, { recursive: true });
    spawnSync("mkfifo", [join(reports, "latest-blocker.json")]);
    const run = spawnSync(process.execPath, [join(repoRoot, "apps/macro/bin.cjs"), "status"], { cwd: repoRoot, encoding: "utf8", timeout: 20_000, env: { PATH: process.env.PATH ?? "", MACRO_REPORTS_DIR: reports } });
    expect(run.error).toBeUndefined();
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain("is a FIFO");
  });
});

describe("macro verify rejects every tampered bundle of the kit with exit 3 and its reason", () => {
  const fixtures = join(repoRoot, "fixtures/bundles");
  const bad = readdirSync(fixtures).filter((f) => f.startsWith("bad-"));
  it.each(bad.filter((_, i) => i % 4 === 0))("%s", (file) => {
    const run = macro(["verify", join(fixtures, file), "--json"], {}, scratch);
    expect(run.status, run.stderr).toBe(3);
    const out = JSON.parse(run.stdout) as { accepted: boolean; checks: { reasons: { code: string }[] }[] };
    expect(out.accepted).toBe(false);
    expect(out.checks.flatMap((c) => c.reasons).length).toBeGreaterThan(0);
  });

  it("macro selftest lists every case and none is accepted", () => {
    const run = macro(["selftest", "--json"], {}, scratch);
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { cases: number; accepted: number; crashed: number; results: { id: string; expected: string; actual: string }[] };
    expect(out.accepted).toBe(0);
    expect(out.crashed).toBe(0);
    expect(out.results.filter((r) => r.expected === "rejected").every((r) => r.actual === "rejected")).toBe(true);
    const table = macro(["selftest"], {}, scratch);
    for (const r of out.results) expect(table.stdout).toContain(r.id);
  });
});

describe("runs recorded with a key: every record verifies later; any edit is caught by verify and status", () => {
  const home = join(scratch, "keyed");
  let ssot = "";
  let reports = "";
  beforeAll(() => {
    mkdirSync(home, { recursive: true });
    const keyed = keyedSsot(home);
    expect(keyed.keygen.status, keyed.keygen.stderr).toBe(0);
    ssot = keyed.ssot;
    // Two runs the same day (no engine here: each blocks at the venue and is recorded).
    for (let i = 0; i < 2; i++) {
      const run = macro(["run", "--json", "--ssot", ssot], {}, home);
      expect(run.status, run.stderr).toBe(3);
    }
    reports = join(home, "reports");
  }, 120_000);

  it("both run records, the ledger and status verify; nothing says a key is missing", () => {
    const both = records(reports);
    expect(both).toHaveLength(2);
    for (const record of both) {
      const v = against(reports, ["verify", join(reports, record)], ssot);
      expect(v.status, v.stdout + v.stderr).toBe(0);
      expect(v.stdout).not.toContain("unsigned");
    }
    expect(readdirSync(reports)).toContain("ledger.ndjson.head.json");
    expect(against(reports, ["verify", join(reports, "ledger.ndjson")], ssot).status).toBe(0);
    const status = against(reports, ["status"], ssot);
    expect(status.status, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toContain("verified from its first entry, with 2 run record(s)");
  });

  const tampers: [string, (dir: string) => void, string][] = [
    ["one byte of a product (the packet JSON) edited", (dir) => {
      const packet = readdirSync(dir).find((f) => f.startsWith("blocker-") && f.endsWith(".json")) ?? "";
      const bytes = readFileSync(join(dir, packet));
      bytes[40] = (bytes[40] ?? 0) ^ 1;
      writeFileSync(join(dir, packet), bytes);
    }, "PRODUCT_CHANGED"],
    ["the last ledger line dropped", (dir) => {
      const lines = readFileSync(join(dir, "ledger.ndjson"), "utf8").split("\n").filter((l) => l !== "");
      writeFileSync(join(dir, "ledger.ndjson"), `${lines.slice(0, -1).join("\n")}\n`);
    }, "HEAD_MISMATCH"],
    ["the ledger re-chained after an edit", (dir) => {
      let prev = GENESIS_HASH;
      const lines = readFileSync(join(dir, "ledger.ndjson"), "utf8").split("\n").filter((l) => l !== "").map((raw, i) => {
        const { hash: _old, ...e } = JSON.parse(raw) as LedgerEntry;
        const body = { ...e, prevHash: prev, at: i === 0 ? "2020-01-01T00:00:00.000Z" : e.at };
        prev = entryHash(body);
        return serializeEntry({ ...body, hash: prev });
      });
      writeFileSync(join(dir, "ledger.ndjson"), `${lines.join("\n")}\n`);
    }, "HEAD_MISMATCH"],
    ["a ledger line edited (not re-chained)", (dir) => {
      writeFileSync(join(dir, "ledger.ndjson"), readFileSync(join(dir, "ledger.ndjson"), "utf8").replace('"status":"blocked"', '"status":"closed"'));
    }, "HASH_MISMATCH"],
  ];

  it.each(tampers)("%s: macro verify and macro status exit 3 naming %s", (_what, tamper, code) => {
    const dir = copyOf(reports, `t-${code}-${Math.random().toString(16).slice(2)}`);
    tamper(dir);
    const targets = code.startsWith("PRODUCT") ? records(dir).map((r) => join(dir, r)) : [join(dir, "ledger.ndjson")];
    const verdicts = targets.map((t) => against(dir, ["verify", t], ssot));
    expect(verdicts.some((v) => v.status === 3 && v.stdout.includes(code)), verdicts.map((v) => v.stdout).join("\n")).toBe(true);
    expect(verdicts.every((v) => v.status === 0 || v.status === 3)).toBe(true);
    const status = against(dir, ["status"], ssot);
    expect(status.status, status.stdout + status.stderr).toBe(3);
    expect(status.stdout).toContain(code);
  });

  it("a run record's signature removed: verify exits 3 (SIGNATURE_MISSING)", () => {
    const dir = copyOf(reports, "t-sig");
    const record = records(dir)[0] ?? "";
    rmSync(join(dir, `${record}.dsse.json`));
    const v = against(dir, ["verify", join(dir, record)], ssot);
    expect(v.status).toBe(3);
    expect(v.stdout).toContain("SIGNATURE_MISSING");
  });
});

describe("without a key the output says what cannot be detected", () => {
  it("a dropped last line passes the chain, and verify says so", () => {
    const home = join(scratch, "unkeyed");
    mkdirSync(home, { recursive: true });
    for (let i = 0; i < 2; i++) expect(macro(["run"], {}, home).status).toBe(3);
    const ledger = join(home, "reports", "ledger.ndjson");
    const v = macro(["verify", ledger], { MACRO_REPORTS_DIR: join(home, "reports") }, home);
    expect(v.status).toBe(0);
    expect(v.stdout).toContain("dropping the last entries, or rebuilding the chain after an edit, cannot be detected");
  }, 60_000);
});
