import { TRACK_IDS, type TrackId } from "@macro/ssot";
import { createActor, fromPromise, toPromise } from "xstate";
import { describe, expect, it } from "vitest";
import { CHECK_NAMES, OBSERVED_CLASS, trackOfCheck, type CheckName } from "./checks.ts";
import { FAILING, INPUT, PASS, TEST_CATALOG, fakeMachine, noCalls } from "./_fakes.ts";
import { macroMachine } from "./machine.ts";
import type { MacroOutput, TestOutput, TrackInput } from "./types.ts";

const run = (machine: ReturnType<typeof fakeMachine>, input = INPUT): Promise<MacroOutput> =>
  toPromise(createActor(machine, { input }).start());

const statuses = (out: MacroOutput) => Object.fromEntries(out.tracks.map((t) => [t.id, t.status]));

/** Earlier tracks passed, `at` has `status`, every later track structurally not run. */
function expectHaltAt(out: MacroOutput, at: TrackId, status: "blocked" | "failed") {
  const i = TRACK_IDS.indexOf(at);
  expect(statuses(out)).toEqual(
    Object.fromEntries(TRACK_IDS.map((t, j) => [t, j < i ? "passed" : j === i ? status : "not-run"])),
  );
}

describe("macro machine: all checks pass", () => {
  it("closes with every track passed and every output's evidence, facts and side effects recorded", async () => {
    const calls = noCalls();
    const out = await run(fakeMachine({}, calls));
    expect(out.status).toBe("closed");
    expect(out.blocker).toBeNull();
    expect(out.error).toBeNull();
    expect(out.tracks.map((t) => t.status)).toEqual(TRACK_IDS.map(() => "passed"));
    expect(out.tracks.map((t) => t.evidence)).toEqual(TRACK_IDS.map((t) => [`ev-${t}`]));
    for (const t of out.tracks) {
      expect(t.startedAt).not.toBeNull();
      expect(t.finishedAt).not.toBeNull();
      expect(t.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(out.evidence.map((e) => e.track)).toEqual([...TRACK_IDS]);
    expect(out.facts).toHaveLength(7);
    expect(out.sideEffects).toHaveLength(7);
    expect(out.outputs.venue?.verdict.venueId).toBe("V1");
    expect(calls).toEqual({ ssot: 1, venue: 1, attest: 1, build: 1, test: 1, bind: 1, persist: 1 });
  });

  it("hands each actor the run so far", async () => {
    let seen: TrackInput | null = null;
    const machine = fakeMachine().provide({
      actors: {
        bind: fromPromise<typeof PASS.bind, TrackInput>(async ({ input }) => {
          seen = input;
          return PASS.bind;
        }),
      },
    });
    await run(machine);
    expect(seen).toMatchObject({ track: "bind", runId: "run-1", outputs: { test: { passed: 45 } } });
    expect(seen).toHaveProperty("evidence", PASS.ssot.evidence.concat(PASS.venue.evidence, PASS.attest.evidence, PASS.build.evidence, PASS.test.evidence));
  });
});

describe("macro machine: each check fails to its catalog blocker", () => {
  it.each(CHECK_NAMES.map((c) => [c]))("%s", async (check: CheckName) => {
    const track = trackOfCheck(check);
    const out = await run(fakeMachine(FAILING[check]));
    const entry = TEST_CATALOG.find((e) => e.guards.includes(check));
    expect(out.status).toBe("blocked");
    expect(out.error).toBeNull();
    expect(out.blocker).toMatchObject({ id: entry?.id, track, guard: check });
    expect(out.blocker?.class).toEqual([...(entry?.class ?? []), OBSERVED_CLASS[check]]);
    expect(out.blocker?.reason.length).toBeGreaterThan(10);
    expect(out.blocker?.facts).toEqual([{ id: `${track}.observed`, value: true, source: `fake ${track}`, observedAt: expect.any(String) }]);
    expectHaltAt(out, track, "blocked");
    // What the blocked track observed and did is still on the record.
    expect(out.sideEffects.at(-1)?.detail).toBe(`reports/${track}.json`);
    expect(out.outputs[track]).toBeDefined();
  });

  it("names the specific cause in the reason", async () => {
    const rejected = await run(fakeMachine(FAILING.venueNotRejected));
    expect(rejected.blocker?.reason).toBe("Venue MAC_LOCAL is rejected: Mac-local is rejected");
    const drift = await run(fakeMachine(FAILING.ssotUnchanged));
    expect(drift.blocker?.reason).toContain("b".repeat(64));
  });

  it.each([["attestCapabilityBuilt"], ["buildCapabilityBuilt"], ["testCapabilityBuilt"]] as const)(
    "%s missing: B-CAPABILITY with missingCapability set",
    async (check) => {
      const out = await run(fakeMachine(FAILING[check]));
      expect(out.blocker?.id).toBe("B-CAPABILITY");
      expect(out.blocker?.class).toEqual(["CAPABILITY", "CAPABILITY_NOT_BUILT"]);
      expect(out.blocker?.missingCapability).toBe("no runner for this track yet");
    },
  );

  it("a capability that is missing blocks even when the actor says ok", async () => {
    const out = await run(fakeMachine({ build: { ...PASS.build, ok: true, capability: { missing: "tsup config" } } }));
    expect(out.blocker?.guard).toBe("buildCapabilityBuilt");
  });
});

describe("macro machine: fake green never passes", () => {
  const tests = (t: Partial<TestOutput>) => fakeMachine({ test: { ...PASS.test, ...t } });

  it.each([
    ["skipped > 0 with 0 failed", { skipped: 1 }],
    ["not-run > 0 with 0 failed", { notRun: 3 }],
    ["nothing ran at all", { passed: 0 }],
    ["counts clean but the runner said not ok", { ok: false, reason: "exit 1" }],
  ])("tests: %s blocks as TESTS_NOT_PASSED", async (_name, t) => {
    const out = await run(tests(t));
    expect(out.status).toBe("blocked");
    expect(out.blocker?.id).toBe("B-TESTS");
    expect(out.blocker?.class).toContain("TESTS_NOT_PASSED");
  });

  it.each([
    ["an empty matrix", []],
    ["one row NOT_RUN", [{ id: "#01", status: "BOUND_PASS" }, { id: "#02", status: "NOT_RUN" }]],
    ["one row STALE", [{ id: "#01", status: "STALE" }]],
    ["one row BLOCKED", [{ id: "#01", status: "BLOCKED" }]],
    ["a duplicate row hiding a failure", [{ id: "#01", status: "FAILED" }, { id: "#01", status: "BOUND_PASS" }]],
  ] as const)("bind: %s blocks as EVIDENCE_UNBOUND", async (_name, rows) => {
    const out = await run(fakeMachine({ bind: { ...PASS.bind, rows: [...rows] } }));
    expect(out.status).toBe("blocked");
    expect(out.blocker).toMatchObject({ id: "B-BINDING", guard: "allRowsBound" });
    expect(out.blocker?.class).toContain("EVIDENCE_UNBOUND");
  });

  it("lists the unbound rows in the reason", async () => {
    const out = await run(fakeMachine(FAILING.allRowsBound));
    expect(out.blocker?.reason).toBe("1 of 2 matrix rows are not bound to passing evidence: #02 FAILED.");
  });
});

describe("macro machine: defects abort, never pass or block", () => {
  it("a throwing actor ends aborted with the error recorded", async () => {
    const out = await run(
      fakeMachine({
        attest: async () => {
          throw new Error("docker socket vanished");
        },
      }),
    );
    expect(out.status).toBe("aborted");
    expect(out.blocker).toBeNull();
    expect(out.error).toBe("actor attest failed: Error: docker socket vanished");
    expectHaltAt(out, "attest", "failed");
  });

  it("default actors are not provided and abort at the first track", async () => {
    const out = await toPromise(createActor(macroMachine, { input: INPUT }).start());
    expect(out.status).toBe("aborted");
    expect(out.error).toBe("actor ssot failed: InternalError ACTOR_NOT_PROVIDED: actor readSsot not provided");
    expectHaltAt(out, "ssot", "failed");
  });

  it("an output that breaks the track contract aborts", async () => {
    const broken: unknown = { ...PASS.venue, verdict: { class: "approved" } };
    const out = await run(fakeMachine({ venue: async () => broken as typeof PASS.venue }));
    expect(out.status).toBe("aborted");
    expect(out.error).toMatch(/^actor venue returned an output that breaks the venue contract: verdict\./);
    expectHaltAt(out, "venue", "failed");
  });

  it("a failed check with no catalog entry aborts instead of blocking without a packet", async () => {
    const catalog = TEST_CATALOG.filter((e) => e.id !== "B-BUILD");
    const out = await run(fakeMachine(FAILING.buildSucceeded), { ...INPUT, catalog });
    expect(out.status).toBe("aborted");
    expect(out.blocker).toBeNull();
    expect(out.error).toContain("buildSucceeded");
    expectHaltAt(out, "build", "failed");
  });

  it("a check claimed by two catalog entries aborts", async () => {
    const catalog = [...TEST_CATALOG, { id: "B-OTHER", class: ["X"], guards: ["persisted"] }];
    const out = await run(fakeMachine(FAILING.persisted), { ...INPUT, catalog });
    expect(out.status).toBe("aborted");
  });

  it("refuses input that is not JSON-shaped run input", async () => {
    const actor = createActor(fakeMachine(), { input: { ...INPUT, runId: "" } });
    const done = toPromise(actor);
    actor.start();
    await expect(done).rejects.toThrow(/runId/);
  });
});
