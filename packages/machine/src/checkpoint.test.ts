import { createActor, fromPromise, waitFor } from "xstate";
import { describe, expect, it } from "vitest";
import * as z from "zod";
import { Checkpoint, MACHINE_VERSION, restoreCheckpoint, toCheckpoint } from "./checkpoint.ts";
import { INPUT, PASS, SHA, fakeMachine, noCalls } from "./_fakes.ts";
import { TRACK_ACTORS } from "./machine.ts";
import { MacroContext, type TrackInput } from "./types.ts";
import { runMacro } from "./run.ts";

/** A checkpoint taken after `venue` settled, while `attest` is in flight; the first process then dies. */
async function checkpointAfterVenue(): Promise<{ json: unknown; calls: ReturnType<typeof noCalls> }> {
  const calls = noCalls();
  const hang = () => new Promise<typeof PASS.attest>(() => {});
  const actor = createActor(fakeMachine({ attest: hang }, calls), { input: INPUT }).start();
  await waitFor(actor, (s) => s.value === "attest", { timeout: 5_000 });
  const json: unknown = JSON.parse(JSON.stringify(toCheckpoint(actor)));
  actor.stop();
  return { json, calls };
}

describe("checkpoints", () => {
  it("round-trips: persist after venue, restore, finish without re-running settled tracks", async () => {
    const first = await checkpointAfterVenue();
    expect(first.calls).toMatchObject({ ssot: 1, venue: 1, attest: 1, build: 0 });

    const restored = restoreCheckpoint(first.json);
    if (!restored.ok) throw new Error(restored.error.message);
    expect(restored.value.value).toBe("attest");
    expect(restored.value.runId).toBe("run-1");
    expect(restored.value.context.tracks.map((t) => t.status)).toEqual([
      "passed",
      "passed",
      "running",
      "pending",
      "pending",
      "pending",
      "pending",
    ]);

    const calls = noCalls();
    const tracks: string[] = [];
    const out = await runMacro(fakeMachine({}, calls), INPUT, {
      snapshot: restored.value,
      onTrack: (t) => tracks.push(`${t.id}:${t.status}`),
    });
    expect(out.status).toBe("closed");
    expect(out.tracks.map((t) => t.status)).toEqual(out.tracks.map(() => "passed"));
    // The in-flight attest actor re-runs from the start; settled tracks do not.
    expect(calls).toEqual({ ssot: 0, venue: 0, attest: 1, build: 1, test: 1, bind: 1, persist: 1 });
    expect(tracks[0]).toBe("attest:passed");
    expect(out.evidence.map((e) => e.id)).toEqual(["ev-ssot", "ev-venue", "ev-attest", "ev-build", "ev-test", "ev-bind", "ev-persist"]);
  });

  it("refuses a tampered version", async () => {
    const { json } = await checkpointAfterVenue();
    const tampered = { ...Checkpoint.parse(json), version: MACHINE_VERSION + 1 };
    const r = restoreCheckpoint(tampered);
    expect(r).toEqual({ ok: false, error: { code: "CHECKPOINT_VERSION", message: expect.stringContaining(`${MACHINE_VERSION + 1}`) } });
  });

  it.each([
    ["not an object", "hello"],
    ["no version", { machine: "macro" }],
    ["another machine", { version: MACHINE_VERSION, machine: "other", runId: "r", savedAt: "t", snapshot: {} }],
  ])("refuses %s as CHECKPOINT_INVALID", (_name, json) => {
    const r = restoreCheckpoint(json);
    expect(r.ok ? null : r.error.code).toBe("CHECKPOINT_INVALID");
  });

  it("refuses a tampered snapshot: unknown state, foreign run, missing actor, bad context", async () => {
    const { json } = await checkpointAfterVenue();
    const Obj = z.record(z.string(), z.unknown());
    const envelope = Checkpoint.parse(json);
    const cp = { ...envelope, snapshot: Obj.parse(envelope.snapshot) };
    const cases: unknown[] = [
      { ...cp, snapshot: { ...cp.snapshot, value: "shipped" } },
      { ...cp, runId: "run-2" },
      { ...cp, snapshot: { ...cp.snapshot, children: {} } },
      { ...cp, snapshot: { ...cp.snapshot, context: { ...Obj.parse(cp.snapshot.context), blocker: { id: "" } } } },
      { ...cp, snapshot: { ...cp.snapshot, status: "error" } },
    ];
    for (const c of cases) {
      const r = restoreCheckpoint(c);
      expect(r.ok ? "accepted" : r.error.code).toBe("CHECKPOINT_INVALID");
    }
  });

  it("restores a finished run as done with its output", async () => {
    const actor = createActor(fakeMachine(), { input: INPUT }).start();
    await waitFor(actor, (s) => s.status === "done", { timeout: 5_000 });
    const r = restoreCheckpoint(JSON.parse(JSON.stringify(toCheckpoint(actor))));
    expect(r.ok && r.value.value).toBe("closed");
    if (!r.ok) return;
    const out = await runMacro(fakeMachine(), INPUT, { snapshot: r.value });
    expect(out.status).toBe("closed");
  });

  it("refuses a forged snapshot that would skip tracks whose outputs do not pass", async () => {
    const { json } = await checkpointAfterVenue();
    const envelope = Checkpoint.parse(json);
    const snap = z.looseObject({ context: MacroContext, children: z.record(z.string(), z.unknown()) }).parse(envelope.snapshot);
    const ctx = snap.context;
    const passedAll = ctx.tracks.map((t) => ({ ...t, status: t.id === "persist" ? "running" : "passed" }));
    const child = z.looseObject({ snapshot: z.unknown() }).parse(snap.children["attest"]);
    const forged = (context: object, value = "persist") => ({
      ...envelope,
      snapshot: { ...snap, value, context, children: { [value]: { ...child, src: TRACK_ACTORS.persist } } },
    });
    // Jump to persist with no outputs for attest..bind.
    const skipped = restoreCheckpoint(forged({ ...ctx, tracks: passedAll }));
    expect(skipped.ok ? "accepted" : skipped.error.message).toContain("track attest is passed but it has no output");
    // Jump with outputs that fail their checks (tests skipped).
    const outputs = { ...PASS, test: { ...PASS.test, skipped: 2 } };
    const failing = restoreCheckpoint(forged({ ...ctx, tracks: passedAll, outputs: { ...outputs, persist: undefined } }));
    expect(failing.ok ? "accepted" : failing.error.message).toContain("track test is passed but its output fails testsPassed");
    // The same jump with honest outputs is a consistent checkpoint.
    const honest = restoreCheckpoint(forged({ ...ctx, tracks: passedAll, outputs: { ...PASS, persist: undefined } }));
    expect(honest.ok).toBe(true);
  });

  it("refuses to resume when the SSOT changed since the checkpoint", async () => {
    const { json } = await checkpointAfterVenue();
    const r = restoreCheckpoint(json, { ssotSha256: "c".repeat(64) });
    expect(r.ok ? "accepted" : r.error.code).toBe("CHECKPOINT_SSOT_CHANGED");
    expect(restoreCheckpoint(json, { ssotSha256: SHA }).ok).toBe(true);
  });

  it("re-runs the in-flight actor with an input rebuilt from the validated context, not the stored one", async () => {
    const { json } = await checkpointAfterVenue();
    const envelope = Checkpoint.parse(json);
    const snap = z.looseObject({ children: z.record(z.string(), z.unknown()) }).parse(envelope.snapshot);
    const tamperedChild = { src: TRACK_ACTORS.attest, snapshot: { status: "active", input: { track: "persist", evidence: [] } } };
    const restored = restoreCheckpoint({ ...envelope, snapshot: { ...snap, children: { attest: tamperedChild } } });
    if (!restored.ok) throw new Error(restored.error.message);
    let got: TrackInput | null = null;
    const machine = fakeMachine().provide({
      actors: {
        attest: fromPromise<typeof PASS.attest, TrackInput>(async ({ input }) => {
          got = input;
          return PASS.attest;
        }),
      },
    });
    const out = await runMacro(machine, INPUT, { snapshot: restored.value });
    expect(out.status).toBe("closed");
    expect(got).toMatchObject({ track: "attest", runId: "run-1" });
    expect(got).toHaveProperty("evidence", [...PASS.ssot.evidence, ...PASS.venue.evidence]);
  });
});
