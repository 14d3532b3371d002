import { describe, expect, it } from "vitest";
import { acceptReport } from "./report.ts";

const ISSUED = "a1".repeat(16);
const report = (nonce: string) =>
  JSON.stringify({
    schema: "macro/probe-report/v1",
    tool: { name: "macro-sandbox-probes", version: "0.1.0" },
    startedAt: "2026-12-07T00:00:00Z",
    finishedAt: "2026-12-07T00:00:01Z",
    env: { kernelRelease: "6.1", arch: "x64", node: "v20" },
    nonce,
    probes: [{ id: "P07-PROC-NO-NEW-PRIVS", title: "nnp", status: "measured", expected: { noNewPrivs: 1 }, actual: { noNewPrivs: 1 }, verdict: "PASS", evidence: [], nonce }],
  });

describe("acceptReport", () => {
  it("accepts a report carrying the nonce issued for this run", () => {
    expect(acceptReport(report(ISSUED), ISSUED).ok).toBe(true);
  });

  it("rejects canned output from an earlier container: another nonce, however good its verdicts", () => {
    const replayed = acceptReport(report("b2".repeat(16)), ISSUED);
    expect(replayed).toEqual({ ok: false, error: `the report carries nonce ${"b2".repeat(16)}, not the one issued for this run (${ISSUED})` });
  });

  it("rejects a report without a nonce (the schema of the first version) and non-JSON", () => {
    const old = JSON.parse(report(ISSUED)) as Record<string, unknown>;
    delete old.nonce;
    expect(acceptReport(JSON.stringify(old), ISSUED).ok).toBe(false);
    expect(acceptReport("not json", ISSUED).ok).toBe(false);
  });
});
