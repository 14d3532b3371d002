import { readFileSync, writeFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { MACHINE_VERSION, sealCheckpoint, type CheckpointBody } from "@macro/machine";
import { buildRunRecord, persistRunRecord, readLedger } from "@macro/report";
import { hashBytes, TRACK_IDS } from "@macro/ssot";
import { PASS, TEST_CATALOG } from "../../../../packages/machine/src/_fakes.ts";
import { runCli } from "../main.ts";
import { checkpointKey } from "./checkpoint-key.ts";
import { repoRoot, scratch, type Scratch } from "./_scratch.ts";

// The forged resumes of issue 17, end to end in-process: none closes, each names what failed.

const made: Scratch[] = [];
afterEach(() => made.splice(0).forEach((s) => s.remove()));
const fresh = () => {
  const s = scratch();
  made.push(s);
  return s;
};

const ssotSha = hashBytes(readFileSync(join(repoRoot, "macro.yaml")));
const RUN = "20261207T000000Z-f0f0";

/** "Tracks 1–6 passed with outputs that satisfy their own checks, the blocker removed, status running." */
function forgedBody(runId = RUN): CheckpointBody {
  const at = "2026-12-07T00:00:00.000Z";
  return {
    version: MACHINE_VERSION,
    machine: "macro",
    runId,
    savedAt: at,
    state: "persist",
    context: {
      runId,
      ssotSha256: ssotSha,
      catalog: TEST_CATALOG,
      status: "running",
      tracks: TRACK_IDS.map((id) => ({ id, status: id === "persist" ? "running" : "passed", startedAt: at, finishedAt: id === "persist" ? null : at, durationMs: id === "persist" ? null : 1, evidence: [] })),
      evidence: [],
      facts: [],
      sideEffects: [],
      blocker: null,
      error: null,
      outputs: { ...PASS, ssot: { ...PASS.ssot, ssotSha256Now: ssotSha }, persist: undefined },
    },
  };
}

function place(s: Scratch, runId: string, checkpoint: unknown): string {
  mkdirSync(s.paths.checkpointsDir, { recursive: true });
  const file = join(s.paths.checkpointsDir, `run-${runId}.checkpoint.json`);
  writeFileSync(file, JSON.stringify(checkpoint));
  return file;
}

const resume = async (s: Scratch) => ({ code: await runCli(["resume", "--json"], s.io), stderr: s.stderr(), stdout: s.stdout() });

describe("macro resume refuses or re-derives a forged checkpoint", () => {
  it("forged without the key (tracks passed, no evidence): refused, exit 2, nothing closed", async () => {
    const s = fresh();
    place(s, RUN, sealCheckpoint(forgedBody(), new Uint8Array(32).fill(1)));
    const r = await resume(s);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("MAC does not verify");
    expect(() => readdirSync(s.paths.reportsDir)).toThrow();
  });

  it("forged and sealed with the user's own key: every passed track must re-derive; with no engine it blocks, never closes", async () => {
    const s = fresh();
    place(s, RUN, sealCheckpoint(forgedBody(), await checkpointKey(s.io.env, s.paths)));
    const r = await resume(s);
    expect(r.code, r.stderr).toBe(3);
    const summary = JSON.parse(r.stdout) as { status: string; runId: string; blocker: { id: string; track: string }; packet: { json: string } };
    expect(summary).toMatchObject({ status: "blocked", runId: RUN, blocker: { id: "B4′", track: "venue" } });
    const packet = readFileSync(join(repoRoot, summary.packet.json), "utf8");
    expect(packet).toContain("resume.reopened.venue");
    // The forged "passed" outputs bind nothing: no track after the venue is reported passed.
    expect(r.stderr).not.toMatch(/(attest|build|test|bind)\s+(passed|re-derived)/);
  });

  it("a checkpoint from another run id under this run's name: refused", async () => {
    const s = fresh();
    place(s, RUN, sealCheckpoint(forgedBody("20261207T000000Z-0bad"), await checkpointKey(s.io.env, s.paths)));
    const r = await resume(s);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("holds run 20261207T000000Z-0bad");
  });

  it("a checkpoint with a valid MAC replayed after the ledger recorded its run closed: refused", async () => {
    const s = fresh();
    place(s, RUN, sealCheckpoint(forgedBody(), await checkpointKey(s.io.env, s.paths)));
    const record = buildRunRecord({ runId: RUN, macroId: "m", ssotSha256: ssotSha, status: "closed", tracks: [], blockerId: null, flags: { productionMutation: false, containerCreatedByRun: false, installOrSystemMutation: false, macLocalEvidenceUsed: false, networkUsed: false }, products: [{ path: "macro.yaml", sha256: ssotSha }], evidenceLines: [] });
    await persistRunRecord({ reportsDir: s.paths.reportsDir, ledgerPath: join(s.paths.reportsDir, "ledger.ndjson"), record, at: "2026-12-07T00:00:01.000Z" });
    const r = await resume(s);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the ledger records run ${RUN} as closed`);
  });

  it("an honest blocked run is finished: its own checkpoint cannot be resumed", async () => {
    const s = fresh();
    expect(await runCli(["run"], s.io)).toBe(3);
    const r = await resume(s);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("already finished");
  });

  it("Ctrl-C is recorded in the ledger as interrupted; the resumed run appends how it ended under the same run id", async () => {
    const s = fresh();
    const controller = new AbortController();
    const io = {
      ...s.io,
      signal: controller.signal,
      stderr: { write: (c: string) => (/ssot\s+passed/.test(c) && controller.abort(), true) },
    };
    expect(await runCli(["run"], io)).toBe(130);
    const ledgerPath = join(s.paths.reportsDir, "ledger.ndjson");
    const first = readLedger(ledgerPath);
    if (!first.ok) throw new Error(first.error.message);
    expect(first.value.entries.map((e) => e.status)).toEqual(["interrupted"]);
    const r = await resume(s);
    expect(r.code, r.stderr).toBe(3);
    const after = readLedger(ledgerPath);
    if (!after.ok) throw new Error(after.error.message);
    expect(after.value.entries.map((e) => [e.runId, e.status])).toEqual([
      [first.value.entries[0]?.runId, "interrupted"],
      [first.value.entries[0]?.runId, "blocked"],
    ]);
    // Both records the ledger pins are still there, byte for byte.
    const files = readdirSync(s.paths.reportsDir).filter((n) => n.startsWith("run-record-"));
    expect(files).toHaveLength(2);
  });

  it("two resumes of one run at once: the second is refused while the first holds the run", async () => {
    const s = fresh();
    place(s, RUN, sealCheckpoint(forgedBody(), await checkpointKey(s.io.env, s.paths)));
    writeFileSync(join(s.paths.checkpointsDir, `run-${RUN}.lock`), `${process.pid}\n`);
    const busy = await resume(s);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain(`run ${RUN} is being resumed by process ${process.pid}`);
    // A holder that is gone (no such pid) is taken over.
    writeFileSync(join(s.paths.checkpointsDir, `run-${RUN}.lock`), "2147483646\n");
    expect((await resume(s)).code).toBe(3);
    expect(readdirSync(s.paths.checkpointsDir).filter((n) => n.endsWith(".lock"))).toEqual([]);
  });
});
