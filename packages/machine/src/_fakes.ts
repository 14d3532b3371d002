import type { EvidenceRef, Fact, TrackId } from "@macro/ssot";
import type { CheckName } from "./checks.ts";
import { macroMachine } from "./machine.ts";
import { actorsFrom, type TrackFns } from "./resume.ts";
import type { CatalogEntry, MacroInput, TrackOutputMap } from "./types.ts";

// Test-only fakes: outputs that pass every check, and for each check one that fails exactly it.

export const SHA = "a".repeat(64);
const AT = "2026-11-28T09:00:00.000Z";

/** Mirrors the real SSOT catalog's ids, classes and guards. */
export const TEST_CATALOG: CatalogEntry[] = [
  { id: "B-SSOT-DRIFT", class: ["SSOT"], guards: ["ssotUnchanged"] },
  { id: "B-VENUE-REJECTED", class: ["VENUE"], guards: ["venueNotRejected"] },
  { id: "B4′", class: ["SANDBOX_ATTESTATION"], guards: ["venueApproved", "hasExecutionSurface", "attestationVerified"] },
  { id: "B-CAPABILITY", class: ["CAPABILITY"], guards: ["attestCapabilityBuilt", "buildCapabilityBuilt", "testCapabilityBuilt"] },
  { id: "B-BUILD", class: ["BUILD"], guards: ["buildSucceeded"] },
  { id: "B-TESTS", class: ["TESTS"], guards: ["testsPassed"] },
  { id: "B-BINDING", class: ["EVIDENCE"], guards: ["matrixPresent", "allRowsBound"] },
  { id: "B-PERSIST", class: ["PERSISTENCE"], guards: ["persisted"] },
];

export const INPUT: MacroInput = { runId: "run-1", ssotSha256: SHA, catalog: TEST_CATALOG };

const fact = (track: TrackId): Fact => ({ id: `${track}.observed`, value: true, source: `fake ${track}`, observedAt: AT });
const evidence = (track: TrackId): EvidenceRef => ({
  id: `ev-${track}`,
  path: `reports/${track}.json`,
  sha256: SHA,
  bytes: 1,
  track,
  origin: "produced",
  createdAt: AT,
});
const base = (track: TrackId) => ({
  facts: [fact(track)],
  evidence: [evidence(track)],
  sideEffects: [{ kind: "file-written" as const, detail: `reports/${track}.json`, at: AT }],
});
const gate = (track: TrackId) => ({ ...base(track), capability: "built" as const, ok: true, reason: "" });

export const PASS: TrackOutputMap = {
  ssot: { ...base("ssot"), ssotSha256Now: SHA },
  venue: {
    ...base("venue"),
    verdict: { class: "approved", venueId: "V1", title: "Server Docker", reason: "matched V1", executionSurface: true },
    operatorBundle: null,
  },
  attest: gate("attest"),
  build: gate("build"),
  test: { ...gate("test"), passed: 45, failed: 0, skipped: 0, notRun: 0 },
  bind: { ...base("bind"), matrixPresent: true, rows: [{ id: "#01", status: "BOUND_PASS" }, { id: "#02", status: "WAIVED" }] },
  persist: { ...base("persist"), ok: true, reason: "" },
};

const missing = { missing: "no runner for this track yet" };

/** For each check, the one output that fails it and passes every check before it. */
export const FAILING: Record<CheckName, Partial<TrackOutputMap>> = {
  ssotUnchanged: { ssot: { ...PASS.ssot, ssotSha256Now: "b".repeat(64) } },
  venueNotRejected: {
    venue: { ...PASS.venue, verdict: { class: "rejected", venueId: "MAC_LOCAL", title: "Mac", reason: "Mac-local is rejected", executionSurface: false } },
  },
  venueApproved: {
    venue: { ...PASS.venue, verdict: { class: "unknown", venueId: null, title: null, reason: "no venue matched", executionSurface: false } },
  },
  hasExecutionSurface: { venue: { ...PASS.venue, verdict: { ...PASS.venue.verdict, executionSurface: false, reason: "no engine" } } },
  attestCapabilityBuilt: { attest: { ...PASS.attest, capability: missing } },
  attestationVerified: { attest: { ...PASS.attest, ok: false, reason: "P03 FAIL" } },
  buildCapabilityBuilt: { build: { ...PASS.build, capability: missing } },
  buildSucceeded: { build: { ...PASS.build, ok: false, reason: "tsup exited 1" } },
  testCapabilityBuilt: { test: { ...PASS.test, capability: missing } },
  testsPassed: { test: { ...PASS.test, ok: false, passed: 44, failed: 1, reason: "1 failed" } },
  matrixPresent: { bind: { ...PASS.bind, matrixPresent: false, rows: [] } },
  allRowsBound: { bind: { ...PASS.bind, rows: [{ id: "#01", status: "BOUND_PASS" }, { id: "#02", status: "FAILED" }] } },
  persisted: { persist: { ...PASS.persist, ok: false, reason: "rename failed" } },
};

export type Calls = Record<TrackId, number>;
type Behaviour = { [K in TrackId]?: TrackOutputMap[K] | (() => Promise<TrackOutputMap[K]>) };

/** Fake track functions: each returns PASS unless `behaviour` says otherwise. */
export function fakeFns(behaviour: Behaviour = {}, calls?: Calls): TrackFns {
  const fn =
    <T extends TrackId>(track: T) =>
    async (): Promise<TrackOutputMap[T]> => {
      if (calls) calls[track] += 1;
      const b: TrackOutputMap[T] | (() => Promise<TrackOutputMap[T]>) | undefined = behaviour[track];
      if (typeof b === "function") return b();
      return b ?? PASS[track];
    };
  return { ssot: fn("ssot"), venue: fn("venue"), attest: fn("attest"), build: fn("build"), test: fn("test"), bind: fn("bind"), persist: fn("persist") };
}

/** The machine with fake actors: each returns PASS unless `behaviour` says otherwise. */
export function fakeMachine(behaviour: Behaviour = {}, calls?: Calls) {
  return macroMachine.provide({ actors: actorsFrom(fakeFns(behaviour, calls)) });
}

export const noCalls = (): Calls => ({ ssot: 0, venue: 0, attest: 0, build: 0, test: 0, bind: 0, persist: 0 });

/** A 32-byte checkpoint key for tests. */
export const KEY = new Uint8Array(32).fill(7);
