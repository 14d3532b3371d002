import { describe, expect, it } from "vitest";
import { ProbeReport } from "@macro/ssot";
import { fakeEnv, ssotExpectations, TEST_NONCE } from "./_test-support.ts";
import type { ProbeDefinition } from "./probe.ts";
import { SANDBOX_PROBE_IDS, SANDBOX_PROBES } from "./registry.ts";
import { runProbes } from "./run.ts";

describe("runProbes", () => {
  it("passes all 19 SSOT probes in a hardened fake container, as a schema-valid report", async () => {
    const expectations = await ssotExpectations();
    const report = await runProbes(expectations, TEST_NONCE, fakeEnv());
    expect(ProbeReport.parse(report)).toEqual(report);
    expect(report.probes.map((p) => p.id)).toEqual(expectations.map((e) => e.id));
    expect(report.probes.filter((p) => p.verdict !== "PASS").map((p) => `${p.id} ${p.verdict}`)).toEqual([]);
    // The nonce binds every result, and the report, to this run.
    expect(report.nonce).toBe(TEST_NONCE);
    expect(report.probes.every((p) => p.nonce === TEST_NONCE)).toBe(true);
  });

  it("knows exactly the probes the SSOT expects", async () => {
    expect((await ssotExpectations()).map((e) => e.id).sort()).toEqual([...SANDBOX_PROBE_IDS].sort());
    expect(SANDBOX_PROBES).toHaveLength(19);
  });

  it("turns an unknown id and a duplicate into ERROR results, never into passes", async () => {
    const report = await runProbes(
      [
        { id: "P99-NOT-A-PROBE", title: "unknown", expected: { x: 1 } },
        { id: "P07-PROC-NO-NEW-PRIVS", title: "nnp", expected: { noNewPrivs: 1 } },
        { id: "P07-PROC-NO-NEW-PRIVS", title: "nnp again", expected: { noNewPrivs: 1 } },
      ],
      TEST_NONCE,
      fakeEnv(),
    );
    expect(report.probes.map((p) => [p.id, p.verdict])).toEqual([
      ["P99-NOT-A-PROBE", "ERROR"],
      ["P07-PROC-NO-NEW-PRIVS", "PASS"],
      ["P07-PROC-NO-NEW-PRIVS", "ERROR"],
    ]);
    expect(report.probes[0]?.evidence).toEqual(["unknown probe id P99-NOT-A-PROBE"]);
  });

  it("runs only the probes it is asked for", async () => {
    const env = fakeEnv();
    await runProbes([{ id: "P01-FS-ROOT-RO", title: "ro", expected: { rootMountReadOnly: true } }], TEST_NONCE, env);
    expect(env.calls.helper).toEqual([]);
    expect(env.calls.connect).toEqual([]);
  });

  it("records a probe that throws as ERROR and keeps going", async () => {
    const boom: ProbeDefinition = { id: "P01-FS-ROOT-RO", title: "boom", run: async () => { throw new TypeError("defect\nstack"); } };
    const fine: ProbeDefinition = { id: "P02-FS-PROC-MASKED", title: "fine", run: async () => ({ status: "measured", actual: { a: 1 }, evidence: [] }) };
    const report = await runProbes(
      [
        { id: boom.id, title: "t", expected: { a: 1 } },
        { id: fine.id, title: "t", expected: { a: 1 } },
      ],
      TEST_NONCE,
      fakeEnv(),
      [boom, fine],
    );
    expect(report.probes.map((p) => p.verdict)).toEqual(["ERROR", "PASS"]);
    expect(report.probes[0]?.evidence).toEqual(["probe threw: TypeError: defect"]);
  });

  it("never passes an inconclusive probe, whatever its actual values say", async () => {
    const liar: ProbeDefinition = { id: "P06-PROC-SECCOMP-FILTER", title: "t", run: async () => ({ status: "inconclusive", actual: { a: 1 }, evidence: [] }) };
    const report = await runProbes([{ id: liar.id, title: "t", expected: { a: 1 } }], TEST_NONCE, fakeEnv(), [liar]);
    expect(report.probes[0]?.verdict).toBe("INCONCLUSIVE");
  });

  it("fails a measured probe whose expectation names a key it does not produce", async () => {
    const report = await runProbes([{ id: "P07-PROC-NO-NEW-PRIVS", title: "t", expected: { noNewPrivs: 1, typo: 1 } }], TEST_NONCE, fakeEnv());
    expect(report.probes[0]?.verdict).toBe("FAIL");
  });
});
