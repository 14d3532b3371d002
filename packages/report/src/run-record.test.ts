import { describe, it, expect } from "vitest";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InternalError, flagsFrom } from "@macro/ssot";
import { jsonlLineDigests, serializeJson, sha256Hex } from "./hash.ts";
import { verifyLedger } from "./ledger.ts";
import { persistRunRecord, runRecordName } from "./persist.ts";
import { RunRecord, buildRunRecord, type RunRecordInput } from "./run-record.ts";
import { quietEffects, tracksStoppedAt } from "./__fixtures__/ssot.ts";
import { tempDir } from "@macro/test-utils";

const input = (over: Partial<RunRecordInput> = {}): RunRecordInput => ({
  runId: "run-1",
  macroId: "PROGRAM_MACRO_CLOSE_PHASE2_OFFLINE_MVP_END_TO_END",
  ssotSha256: "a".repeat(64),
  status: "blocked",
  tracks: tracksStoppedAt("venue"),
  blockerId: "B4′",
  flags: flagsFrom(quietEffects),
  products: [
    { path: "checkpoints/blocker-B4prime-run-1.md", sha256: sha256Hex("md") },
    { path: "reports/blocker-B4prime-run-1.json", sha256: sha256Hex("json") },
  ],
  evidenceLines: jsonlLineDigests(new TextEncoder().encode('{"l":1}\n{"l":2}\n')),
  ...over,
});

describe("buildRunRecord", () => {
  it("is an in-toto Statement v1 over every product, with the run's predicate", () => {
    const r = buildRunRecord(input());
    expect(r._type).toBe("https://in-toto.io/Statement/v1");
    expect(r.predicateType).toBe("https://macro.dev/run-record/v1");
    expect(r.subject).toEqual([
      { name: "checkpoints/blocker-B4prime-run-1.md", digest: { sha256: sha256Hex("md") } },
      { name: "reports/blocker-B4prime-run-1.json", digest: { sha256: sha256Hex("json") } },
    ]);
    expect(r.predicate).toMatchObject({ runId: "run-1", status: "blocked", blockerId: "B4′", ssotSha256: "a".repeat(64) });
    expect(r.predicate.evidenceLines).toEqual([sha256Hex('{"l":1}'), sha256Hex('{"l":2}')]);
    expect(RunRecord.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });

  it("refuses records that would lie or cover nothing", () => {
    expect(() => buildRunRecord(input({ products: [] }))).toThrow(InternalError);
    expect(() => buildRunRecord(input({ blockerId: null }))).toThrow(InternalError);
    expect(() => buildRunRecord(input({ status: "closed" }))).toThrow(InternalError);
    const dup = input().products[0] ?? { path: "x", sha256: "0".repeat(64) };
    expect(() => buildRunRecord(input({ products: [dup, dup] }))).toThrow(InternalError);
    expect(() => buildRunRecord(input({ products: [{ path: "x", sha256: "ABC" }] }))).toThrow(InternalError);
  });
});

describe("persistRunRecord", () => {
  it("writes the record and chains the sha256 of exactly its bytes into the ledger", async () => {
    const dir = await tempDir("macro-report-persist-");
    const ledgerPath = join(dir, "reports", "ledger.ndjson");
    const record = buildRunRecord(input());
    const { recordPath, recordSha256, entry } = await persistRunRecord({ reportsDir: join(dir, "reports"), ledgerPath, record, at: "2026-06-10T09:00:00.000Z" });
    expect(recordPath).toBe(join(dir, "reports", `run-record-run-1-${recordSha256.slice(0, 16)}.json`));
    expect(sha256Hex(await readFile(recordPath))).toBe(recordSha256);
    expect(entry).toMatchObject({ seq: 1, runId: "run-1", status: "blocked", recordSha256 });
    expect(verifyLedger(ledgerPath)).toMatchObject({ ok: true, value: { entries: 1, headHash: entry.hash } });
  });

  it("a ledger that refuses the append still gets the record written, unchained, and the error propagates", async () => {
    const dir = await tempDir("macro-report-persist-");
    const ledgerPath = join(dir, "reports", "ledger.ndjson");
    await mkdir(join(dir, "reports"), { recursive: true });
    await writeFile(ledgerPath, "not a ledger\n");
    const record = buildRunRecord(input());
    const recordPath = join(dir, "reports", runRecordName("run-1", sha256Hex(serializeJson(record))));
    await expect(persistRunRecord({ reportsDir: join(dir, "reports"), ledgerPath, record, at: "2026-06-10T09:00:00.000Z" })).rejects.toMatchObject({ code: "LEDGER_INVALID" });
    expect(RunRecord.parse(JSON.parse(await readFile(recordPath, "utf8"))).predicate.runId).toBe("run-1");
    expect(await readFile(ledgerPath, "utf8")).toBe("not a ledger\n");
  });
});
