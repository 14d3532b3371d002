import { TRACK_IDS } from "@macro/ssot";
import { describe, expect, it } from "vitest";
import { catalogEntryFor, makeBlocker, validateCatalog } from "./catalog.ts";
import { CHECKS, CHECK_NAMES, OBSERVED_CLASS, firstFailure } from "./checks.ts";
import { FAILING, PASS, SHA, TEST_CATALOG } from "./_fakes.ts";

describe("CHECKS", () => {
  it("covers every track, in track order, with the names the SSOT catalog uses", () => {
    expect(Object.keys(CHECKS)).toEqual([...TRACK_IDS]);
    expect(CHECK_NAMES).toEqual([
      "ssotUnchanged",
      "venueNotRejected",
      "venueApproved",
      "hasExecutionSurface",
      "attestCapabilityBuilt",
      "attestationVerified",
      "buildCapabilityBuilt",
      "buildSucceeded",
      "testCapabilityBuilt",
      "testsPassed",
      "matrixPresent",
      "allRowsBound",
      "persisted",
    ]);
    expect(Object.keys(OBSERVED_CLASS).sort()).toEqual([...CHECK_NAMES].sort());
  });

  it("passes every PASS output", () => {
    for (const track of TRACK_IDS) expect(firstFailure(track, PASS[track], { ssotSha256: SHA })).toBeNull();
  });

  it("fails each FAILING output at exactly its check, the first in order", () => {
    const venue = FAILING.hasExecutionSurface.venue;
    expect(venue && firstFailure("venue", venue, { ssotSha256: SHA })?.check).toBe("hasExecutionSurface");
    const rejected = FAILING.venueNotRejected.venue;
    // A rejected venue also fails venueApproved: the first check in order wins.
    expect(rejected && firstFailure("venue", rejected, { ssotSha256: SHA })?.check).toBe("venueNotRejected");
  });

  it("an approved venue without an engine passes on a verified operator bundle, and only on an approved venue", () => {
    const noEngine = FAILING.hasExecutionSurface.venue;
    if (noEngine === undefined) throw new Error("fixture missing");
    const operatorBundle = { path: "reports/sandbox-attestation-evidence-V1-2026-06-09.json", sha256: SHA, venueId: "V1" };
    expect(firstFailure("venue", { ...noEngine, operatorBundle }, { ssotSha256: SHA })).toBeNull();
    const unknown = FAILING.venueApproved.venue;
    expect(unknown && firstFailure("venue", { ...unknown, operatorBundle }, { ssotSha256: SHA })?.check).toBe("venueApproved");
  });
});

describe("validateCatalog", () => {
  it("accepts a catalog naming every check once", () => {
    expect(validateCatalog(TEST_CATALOG)).toEqual([]);
  });

  it("reports a check with no entry", () => {
    const catalog = TEST_CATALOG.map((e) => ({ ...e, guards: e.guards.filter((g) => g !== "testsPassed") }));
    expect(validateCatalog(catalog)).toEqual(["check testsPassed has no blocker catalog entry"]);
  });

  it("reports a check in two entries", () => {
    const catalog = [...TEST_CATALOG, { id: "B-DUP", class: ["X"], guards: ["matrixPresent"] }];
    expect(validateCatalog(catalog)).toEqual(["check matrixPresent is in 2 blocker catalog entries: B-BINDING, B-DUP"]);
    expect(catalogEntryFor(catalog, "matrixPresent")).toBeNull();
  });

  it("reports every check of an empty catalog", () => {
    expect(validateCatalog([])).toHaveLength(CHECK_NAMES.length);
  });
});

describe("makeBlocker", () => {
  it("dedupes classes and keeps the catalog's first", () => {
    const catalog = [{ id: "B-X", class: ["BUILD_FAILED", "BUILD"], guards: ["buildSucceeded"] }];
    const b = makeBlocker(catalog, { track: "build", check: "buildSucceeded", reason: "r", facts: [], capability: "built" });
    expect(b).toEqual({
      id: "B-X",
      track: "build",
      guard: "buildSucceeded",
      class: ["BUILD_FAILED", "BUILD"],
      reason: "r",
      facts: [],
      missingCapability: null,
    });
  });

  it("is null when the catalog cannot name the check", () => {
    expect(makeBlocker([], { track: "ssot", check: "ssotUnchanged", reason: "r", facts: [], capability: null })).toBeNull();
  });
});
