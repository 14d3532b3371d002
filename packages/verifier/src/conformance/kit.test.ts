import { describe, expect, it } from "vitest";
import { loadTestSsot } from "../_fixtures.ts";
import { runCases, verifierCases, VERIFIER_TARGETS, type ConformanceTargets } from "./index.ts";

const { ssot, source } = loadTestSsot();
const cases = verifierCases(ssot);

describe(`the conformance kit against the real verifier and binder (SSOT: ${source})`, () => {
  const results = runCases(cases, VERIFIER_TARGETS);

  it.each(results.map((r) => [r.id, r] as const))("%s comes out as expected, without a crash", (_id, r) => {
    expect(r.actual, `${r.title}: ${r.codes.join(", ")}`).toBe(r.expected);
  });

  it("covers every fake-green class of the catalogue the verifier can judge, and the classes of issue 14", () => {
    const classes = new Set(results.flatMap((r) => r.classes));
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23]) expect(classes, `§6#${n}`).toContain(`§6#${n}`);
    for (const c of ["unauthenticated", "ambiguous-bytes", "extra-subjects", "image-claim", "venue-facts", "name-vs-content", "binding", "crash"]) expect(classes).toContain(`I14:${c}`);
  });

  it("each rejection carries its reason code", () => {
    const code = (id: string) => results.find((r) => r.id === id)?.codes ?? [];
    expect(code("bad-unsigned-bare")).toEqual(["UNAUTHENTICATED"]);
    expect(code("bad-duplicate-key")).toEqual(["JSON_DUPLICATE_KEY"]);
    expect(code("bad-bom")).toEqual(["JSON_BOM"]);
    expect(code("bad-trailing-bytes")).toEqual(["JSON_TRAILING"]);
    expect(code("bad-deep-nesting")).toEqual(["JSON_TOO_DEEP"]);
    expect(code("bad-oversize")).toEqual(["JSON_TOO_LARGE"]);
    expect(code("bad-second-statement")).toEqual(["ENVELOPE_EXTRA_FIELDS"]);
    expect(code("bad-extra-subject")).toEqual(["SUBJECT_EXTRA"]);
    expect(code("bad-extra-digest-algorithm")).toEqual(["SUBJECT_DIGEST_ALGORITHM"]);
    expect(code("bad-venue-facts")).toEqual(["VENUE_FACTS_MISMATCH"]);
    expect(code("bad-replayed-run")).toEqual(["RUN_MISMATCH"]);
    expect(code("bad-run-bundle-as-operator")).toEqual(["ORIGIN_MISMATCH"]);
    expect(code("bad-image-not-built-here")).toEqual(expect.arrayContaining(["IMAGE_MISMATCH", "SUBJECT_DIGEST_MISMATCH"]));
    expect(code("bad-name-digest")).toEqual(["NAME_MISMATCH"]);
  });

  it("turns red when the binder is broken on purpose (a case comes out accepted)", () => {
    const lenient: ConformanceTargets = { ...VERIFIER_TARGETS, bindRows: (rows) => rows.map((r) => ({ id: r.id, status: "BOUND_PASS", blockedBy: [], notes: [] })) };
    const broken = runCases(cases, lenient).filter((r) => !r.ok);
    expect(broken.map((r) => r.id)).toEqual(expect.arrayContaining(["binder-skipped", "binder-one-fail-among-passes"]));
    expect(broken.every((r) => r.actual === "accepted")).toBe(true);
  });

  it("counts a verifier that throws as a crash, never a pass", () => {
    const throwing: ConformanceTargets = { ...VERIFIER_TARGETS, verifyAttestationBundle: () => { throw new RangeError("Maximum call stack size exceeded"); } };
    const results2 = runCases(cases, throwing).filter((r) => r.id.startsWith("bad-") && !r.id.startsWith("bad-name"));
    expect(results2.every((r) => r.actual === "crashed" && !r.ok)).toBe(true);
  });
});
