import { describe, expect, it } from "vitest";
import type { ProbeExpectation, ProbeResult } from "@macro/ssot";
import { judgeProbes, summarize } from "./judge.ts";

const NONCE = "ab".repeat(16);
const expectations: ProbeExpectation[] = [
  { id: "P01-FS-ROOT-RO", title: "root ro", expected: { writeErrno: "EROFS" } },
  { id: "P02-SYS-MOUNT", title: "mount denied", expected: { mountErrno: { $oneOf: ["EPERM", "EACCES"] } } },
];

const pass = (id: string, actual: ProbeResult["actual"], expected?: ProbeResult["expected"]): ProbeResult => ({
  id,
  title: id,
  status: "measured",
  expected: expected ?? expectations.find((e) => e.id === id)?.expected ?? {},
  actual,
  verdict: "PASS",
  evidence: [],
  nonce: NONCE,
});

const good = (): ProbeResult[] => [pass("P01-FS-ROOT-RO", { writeErrno: "EROFS" }), pass("P02-SYS-MOUNT", { mountErrno: "EPERM" })];
const codes = (results: ProbeResult[]) => judgeProbes(expectations, results, NONCE).reasons.map((r) => r.code);

describe("judgeProbes", () => {
  it("attests when every expected probe is present once and passes on recomputation", () => {
    const judged = judgeProbes(expectations, good(), NONCE);
    expect(judged.reasons).toEqual([]);
    expect(judged.verdict).toBe("ATTESTED");
    expect(judged.probes.map((p) => [p.id, p.verdict, p.stored])).toEqual([
      ["P01-FS-ROOT-RO", "PASS", "PASS"],
      ["P02-SYS-MOUNT", "PASS", "PASS"],
    ]);
  });

  it("flags a FAIL stored as PASS as VERDICT_FORGED and names the probe as not passing", () => {
    const results = good();
    results[0] = pass("P01-FS-ROOT-RO", { writeErrno: "EACCES" });
    const judged = judgeProbes(expectations, results, NONCE);
    expect(judged.verdict).toBe("NOT_ATTESTED");
    expect(judged.reasons.map((r) => r.code)).toEqual(["VERDICT_FORGED", "PROBE_NOT_PASS"]);
    expect(judged.reasons[1]?.message).toContain("P01-FS-ROOT-RO");
    expect(judged.probes[0]?.mismatches).toEqual([{ key: "writeErrno", expected: "EROFS", actual: "EACCES" }]);
  });

  it("judges with the SSOT's expected values, not the bundle's, and says EXPECTED_MISMATCH", () => {
    // The bundle loosened its own expectation so that EACCES would "pass".
    const results = good();
    results[0] = pass("P01-FS-ROOT-RO", { writeErrno: "EACCES" }, { writeErrno: "EACCES" });
    expect(codes(results)).toEqual(["EXPECTED_MISMATCH", "VERDICT_FORGED", "PROBE_NOT_PASS"]);
  });

  it("reports a missing probe as PROBE_MISSING", () => {
    expect(codes(good().slice(1))).toEqual(["PROBE_MISSING"]);
  });

  it("reports an extra probe as PROBE_EXTRA", () => {
    const results = [...good(), pass("P03-EXTRA", { x: 1 })];
    expect(codes(results)).toContain("PROBE_EXTRA");
    expect(judgeProbes(expectations, results, NONCE).verdict).toBe("NOT_ATTESTED");
  });

  it("judges every copy of a duplicated probe, so a failing copy cannot hide behind a passing one", () => {
    const results = [...good(), pass("P01-FS-ROOT-RO", { writeErrno: "EACCES" })];
    expect(codes(results)).toEqual(["PROBE_DUPLICATE", "VERDICT_FORGED", "PROBE_NOT_PASS"]);
  });

  it("rejects two identical passing copies as PROBE_DUPLICATE", () => {
    expect(codes([...good(), ...good().slice(0, 1)])).toEqual(["PROBE_DUPLICATE"]);
  });

  it("matches ids exactly: P01-FS-ROOT-RO-X does not stand in for P01-FS-ROOT-RO", () => {
    const results = good();
    results[0] = pass("P01-FS-ROOT-RO-X", { writeErrno: "EROFS" }, { writeErrno: "EROFS" });
    expect(codes(results).sort()).toEqual(["PROBE_EXTRA", "PROBE_MISSING", "VERDICT_FORGED"]);
  });

  it.each([
    ["inconclusive", "INCONCLUSIVE"],
    ["not-run-unsafe", "NOT_RUN_UNSAFE"],
    ["error", "ERROR"],
  ] as const)("a %s probe never passes, whatever its actual values say", (status, verdict) => {
    const results = good();
    results[0] = { ...pass("P01-FS-ROOT-RO", { writeErrno: "EROFS" }), status, verdict };
    const judged = judgeProbes(expectations, results, NONCE);
    expect(judged.reasons.map((r) => r.code)).toEqual(["PROBE_NOT_PASS"]);
    expect(judged.probes[0]?.verdict).toBe(verdict);
  });

  it("never attests against an empty expectation set", () => {
    const judged = judgeProbes([], [], NONCE);
    expect(judged.verdict).toBe("NOT_ATTESTED");
    expect(judged.reasons.map((r) => r.code)).toEqual(["PROBE_SET_EMPTY"]);
  });

  it("refuses an SSOT that lists the same probe twice", () => {
    const first = expectations[0] as ProbeExpectation;
    expect(judgeProbes([...expectations, first], good(), NONCE).reasons.map((r) => r.code)).toEqual(["EXPECTATION_DUPLICATE"]);
  });
});

describe("summarize", () => {
  it("counts each verdict once", () => {
    expect(summarize(["PASS", "PASS", "FAIL", "INCONCLUSIVE", "NOT_RUN_UNSAFE", "ERROR", "ERROR"])).toEqual({
      pass: 2, fail: 1, inconclusive: 1, notRunUnsafe: 1, error: 2,
    });
  });

  it("fails a result measured under another nonce (replayed from an earlier container), naming it", () => {
    const results = good();
    results[1] = { ...pass("P02-SYS-MOUNT", { mountErrno: "EPERM" }), nonce: "cd".repeat(16) };
    const judged = judgeProbes(expectations, results, NONCE);
    expect(judged.verdict).toBe("NOT_ATTESTED");
    expect(judged.reasons.map((r) => [r.code, r.path])).toEqual([["NONCE_MISMATCH", "predicate.probes[1].nonce"]]);
  });

  it("names what is extra and what is missing in a $set, in the PROBE_NOT_PASS reason", () => {
    const sets: ProbeExpectation[] = [{ id: "P13-MOUNTS", title: "m", expected: { mounts: { $set: ["/ overlay ro", "/tmp tmpfs rw,noexec"] } } }];
    const measured = { ...pass("P13-MOUNTS", { mounts: ["/ overlay ro", "/tmp tmpfs rw", "/hostrun bind:/run ro"] }, sets[0]?.expected), verdict: "FAIL" as const };
    const judged = judgeProbes(sets, [measured], NONCE);
    expect(judged.probes[0]?.mismatches[0]).toMatchObject({ key: "mounts", extra: ["/tmp tmpfs rw", "/hostrun bind:/run ro"], missing: ["/tmp tmpfs rw,noexec"] });
    expect(judged.reasons[0]?.message).toBe("probe P13-MOUNTS is FAIL (mounts: extra [/tmp tmpfs rw; /hostrun bind:/run ro] missing [/tmp tmpfs rw,noexec])");
  });
});
