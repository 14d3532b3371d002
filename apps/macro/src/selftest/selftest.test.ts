import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDirSync } from "@macro/test-utils";
import { loadSsot } from "@macro/ssot";
import { repoRoot } from "../e2e/harness.ts";
import type { Io } from "../lib/io.ts";
import { resolvePaths } from "../lib/paths.ts";
import { runMacroOnce } from "../lib/run-macro.ts";
import { REAL_TARGETS, runSelftest, selftestTable, type SelftestTargets } from "./selftest.ts";

const loaded = await loadSsot(join(repoRoot, "macro.yaml"));
if (!loaded.ok) throw new Error("macro.yaml does not load");
const ssot = loaded.value.ssot;

/** A binder that binds every row as passing, whatever the evidence: broken on purpose, injected. */
const lenientBinder: SelftestTargets = { ...REAL_TARGETS, bindRows: (rows) => rows.map((r) => ({ id: r.id, status: "BOUND_PASS", blockedBy: [], notes: [] })) };

const scratch = tempDirSync("macro-selftest-");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("macro selftest", () => {
  it("lists every case, and no tampered case is accepted or crashes against the real verifier, binder and ledger check", () => {
    const test = runSelftest(ssot);
    expect(test.failures).toEqual([]);
    const table = selftestTable(test.results);
    for (const r of test.results) expect(table).toContain(r.id);
    expect(test.results.filter((r) => r.expected === "rejected").length).toBeGreaterThan(60);
  });

  it("a binder broken on purpose turns cases accepted", () => {
    const failures = runSelftest(ssot, lenientBinder).failures;
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((f) => f.expected === "rejected" && f.actual === "accepted")).toBe(true);
  });

  it("a ledger check broken on purpose turns cases accepted", () => {
    const blind: SelftestTargets = { ...REAL_TARGETS, verifyLedgerBytes: () => ({ ok: true, value: { entries: 3, headHash: "0".repeat(64), anchor: "signed" } }) };
    expect(runSelftest(ssot, blind).failures.map((f) => f.id)).toEqual(expect.arrayContaining(["ledger-last-dropped", "ledger-rechained"]));
  });

  it("`macro run` refuses to start (exit 1, nothing written) when the kit fails with the injected binder", async () => {
    const env = { MACRO_REPORTS_DIR: join(scratch, "reports"), MACRO_CHECKPOINTS_DIR: join(scratch, "checkpoints"), MACRO_VENUE_FACTS: join(repoRoot, "fixtures/venues/macos.json") };
    const io: Io = { stdout: { write: () => true }, stderr: { write: () => true }, env, cwd: repoRoot, signal: new AbortController().signal };
    await expect(runMacroOnce(io, resolvePaths(io, undefined), undefined, undefined, lenientBinder)).rejects.toMatchObject({ code: "SELFTEST_FAILED", exitCode: 1 });
    expect(existsSync(join(scratch, "reports"))).toBe(false);
    expect(existsSync(join(scratch, "checkpoints"))).toBe(false);
  });
});
