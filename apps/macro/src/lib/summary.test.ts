import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDirSync } from "@macro/test-utils";
import type { MacroOutput } from "@macro/machine";
import { TRACK_IDS, type TrackId } from "@macro/ssot";
import type { RunSummary } from "./run-macro.ts";
import { formatDuration, formatSummary, runDetails } from "./summary.ts";

const dir = tempDirSync("macro-summary-");

const sha = "a".repeat(64);
const base = { facts: [], sideEffects: [] };

function output(bundle: string, rows: string[]): MacroOutput {
  const durations: Record<TrackId, number> = { ssot: 34, venue: 200, attest: 1125, build: 3655, test: 125_729, bind: 23, persist: 18 };
  return {
    status: "closed",
    blocker: null,
    error: null,
    sideEffects: [],
    tracks: TRACK_IDS.map((id) => ({ id, status: "passed", durationMs: durations[id] })),
    outputs: {
      venue: { ...base, evidence: [], verdict: { class: "approved", venueId: "V2", title: "approved CI runner", reason: "", executionSurface: true }, operatorBundle: null },
      attest: { ...base, capability: "built", ok: true, reason: "", evidence: [{ id: "attestation", path: bundle, sha256: sha, bytes: 10, track: "attest", origin: "produced", createdAt: "" }] },
      test: { ...base, evidence: [], capability: "built", ok: true, reason: "", passed: 187, failed: 0, skipped: 0, notRun: 0 },
      bind: { ...base, evidence: [], matrixPresent: true, rows: rows.map((status, i) => ({ id: `R${i}`, status })) },
    },
  } as unknown as MacroOutput;
}

const summaryWith = (details: RunSummary["details"]): RunSummary => ({
  runId: "r1",
  status: "closed",
  exitCode: 0,
  blocker: null,
  packet: null,
  record: "reports/run-record-r1.json",
  log: "reports/logs/run-r1.ndjson",
  left: { files: [], containers: [], images: [], pruned: [], temp: [] },
  checkpoint: null,
  error: null,
  details,
});

describe("the closed run's summary", () => {
  it("names the venue, the attestation with its digest and signer, the steps, the tests, the rows bound, the record and the command that re-checks it", async () => {
    writeFileSync(join(dir, "signed.json"), JSON.stringify({ payloadType: "application/vnd.in-toto+json", payload: "", signatures: [{ keyid: "SHA256:k1", sig: "x" }] }));
    const details = await runDetails(output("signed.json", Array<string>(45).fill("BOUND_PASS")), dir);
    expect(details.attestation).toEqual({ path: "signed.json", sha256: sha, origin: "produced", signers: ["SHA256:k1"] });
    expect(details.rows).toEqual({ bound: 45, total: 45, byStatus: { BOUND_PASS: 45 } });
    const text = formatSummary(summaryWith(details));
    expect(text.split("\n")).toEqual([
      "CLOSED — every track passed with evidence.",
      "  venue        V2 (approved CI runner)",
      "  attestation  signed.json",
      `               sha256 ${sha} · signed by SHA256:k1`,
      "  steps        ✔ ssot 34 ms  ✔ venue 200 ms  ✔ attest 1.1 s  ✔ build 3.7 s  ✔ test 2:06  ✔ bind 23 ms  ✔ persist 18 ms",
      "  tests        187 passed, 0 failed, 0 skipped",
      "  rows bound   45/45",
      "  record       reports/run-record-r1.json",
      "  log          reports/logs/run-r1.ndjson",
      "  verify       pnpm macro verify reports/run-record-r1.json",
      "",
    ]);
  });

  it("says unsigned for a bare Statement, and unreadable rather than unsigned when the file is gone", async () => {
    writeFileSync(join(dir, "statement.json"), JSON.stringify({ _type: "https://in-toto.io/Statement/v1", signatures: [] }));
    expect((await runDetails(output("statement.json", []), dir)).attestation?.signers).toEqual([]);
    expect(formatSummary(summaryWith(await runDetails(output("statement.json", []), dir)))).toContain("· unsigned");
    expect((await runDetails(output("missing.json", []), dir)).attestation?.signers).toBeNull();
    expect(formatSummary(summaryWith(await runDetails(output("missing.json", []), dir)))).toContain("signature unreadable");
  });

  it("shows rows that are not bound next to the count, never just the ratio", async () => {
    const details = await runDetails(output("statement.json", ["BOUND_PASS", "BOUND_PASS", "WAIVED", "STALE"]), dir);
    expect(formatSummary(summaryWith(details))).toContain("rows bound   2/4 (1 WAIVED, 1 STALE)");
  });

  it("formats durations for people", () => {
    expect([formatDuration(null), formatDuration(999), formatDuration(1000), formatDuration(59_949), formatDuration(60_000), formatDuration(125_729)]).toEqual(["", "999 ms", "1.0 s", "59.9 s", "1:00", "2:06"]);
  });
});
