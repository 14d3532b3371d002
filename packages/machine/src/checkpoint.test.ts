import { InterruptedError, TRACK_IDS, type TrackId } from "@macro/ssot";
import { describe, expect, it } from "vitest";
import { Checkpoint, MACHINE_VERSION, restoreCheckpoint } from "./checkpoint.ts";
import { FAILING, INPUT, KEY, PASS, SHA, fakeFns, noCalls, type Calls } from "./_fakes.ts";
import { macroMachine } from "./machine.ts";
import { actorsFrom, resumeFns, type Rederive, type TrackFns } from "./resume.ts";
import { runMacro } from "./run.ts";
import type { MacroOutput, TrackOutputMap } from "./types.ts";

const OTHER_KEY = new Uint8Array(32).fill(9);

/**
 * The fake world's disk: what each evidence file (path + digest) says. The honest re-deriver
 * rebuilds a track's output from it and never from the checkpoint's copy of the output.
 */
type Disk = Map<string, unknown>;
const diskKey = (path: string, sha: string) => `${path}@${sha}`;

function recordingFns(disk: Disk, behaviour: Parameters<typeof fakeFns>[0] = {}, calls?: Calls): TrackFns {
  const fns = fakeFns(behaviour, calls);
  const record =
    <T extends TrackId>(track: T) =>
    async (args: Parameters<TrackFns[T]>[0]): Promise<TrackOutputMap[T]> => {
      const out = await (fns[track] as (a: typeof args) => Promise<TrackOutputMap[T]>)(args);
      for (const e of out.evidence) disk.set(diskKey(e.path, e.sha256), out);
      return out;
    };
  return { ssot: record("ssot"), venue: record("venue"), attest: record("attest"), build: record("build"), test: record("test"), bind: record("bind"), persist: record("persist") };
}

const rederiveFrom =
  (disk: Disk): Rederive =>
  async (track, recorded) => {
    const ref = recorded.evidence[0];
    if (ref === undefined) return { ok: false, reason: `${track} pins no evidence` };
    const found = disk.get(diskKey(ref.path, ref.sha256));
    if (found === undefined) return { ok: false, reason: `${ref.path} is missing or changed` };
    return { ok: true, output: found as typeof recorded };
  };

const outcome = (o: MacroOutput) => ({ status: o.status, blocker: o.blocker?.id ?? null, guard: o.blocker?.guard ?? null, tracks: o.tracks.map((t) => t.status) });

/** Runs until `killAt` starts (then interrupts, like SIGKILL after the last checkpoint) or to the end. */
async function runOnce(disk: Disk, behaviour: Parameters<typeof fakeFns>[0], killAt: TrackId | null) {
  const saved: string[] = [];
  const controller = new AbortController();
  const hang = killAt === null ? {} : { [killAt]: () => (setTimeout(() => controller.abort(), 0), new Promise(() => {})) };
  const fns = recordingFns(disk, { ...behaviour, ...hang });
  const run = runMacro(macroMachine.provide({ actors: actorsFrom(fns) }), INPUT, {
    signal: controller.signal,
    checkpoint: { key: KEY, save: (c) => saved.push(JSON.stringify(c)) },
  });
  const out = await run.catch((error: unknown) => {
    if (error instanceof InterruptedError) return null;
    throw error;
  });
  const last = saved.at(-1);
  return { out, checkpoint: last === undefined ? null : (JSON.parse(last) as unknown) };
}

async function resume(json: unknown, disk: Disk, behaviour: Parameters<typeof fakeFns>[0] = {}, calls?: Calls) {
  const restored = restoreCheckpoint(json, { key: KEY, ssotSha256: SHA });
  if (!restored.ok) return { refused: restored.error } as const;
  const fns = resumeFns(recordingFns(disk, behaviour, calls), restored.value, rederiveFrom(disk));
  const out = await runMacro(macroMachine.provide({ actors: actorsFrom(fns) }), { ...INPUT, runId: restored.value.runId });
  return { out } as const;
}

async function checkpointAt(track: TrackId, behaviour: Parameters<typeof fakeFns>[0] = {}) {
  const disk: Disk = new Map();
  const first = await runOnce(disk, behaviour, track);
  if (first.checkpoint === null) throw new Error(`no checkpoint before ${track}`);
  return { disk, json: first.checkpoint };
}

describe("checkpoints are authenticated", () => {
  it("round-trips with the key; refuses another key, another version, a non-checkpoint", async () => {
    const { json } = await checkpointAt("attest");
    const r = restoreCheckpoint(json, { key: KEY, ssotSha256: SHA });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.value).toBe("attest");
    expect(r.value.context.tracks.map((t) => t.status)).toEqual(["passed", "passed", "running", "pending", "pending", "pending", "pending"]);
    expect(restoreCheckpoint(json, { key: OTHER_KEY })).toMatchObject({ ok: false, error: { code: "CHECKPOINT_UNAUTHENTICATED" } });
    expect(restoreCheckpoint({ ...Checkpoint.parse(json), version: MACHINE_VERSION + 1 }, { key: KEY })).toMatchObject({ ok: false, error: { code: "CHECKPOINT_VERSION" } });
    expect(restoreCheckpoint({ version: MACHINE_VERSION, machine: "other" }, { key: KEY })).toMatchObject({ ok: false, error: { code: "CHECKPOINT_INVALID" } });
    expect(restoreCheckpoint(json, { key: KEY, ssotSha256: "c".repeat(64) })).toMatchObject({ ok: false, error: { code: "CHECKPOINT_SSOT_CHANGED" } });
  });

  it("refuses a forged all-passed checkpoint without the key, whatever it claims", async () => {
    const { json } = await checkpointAt("persist");
    const body = Checkpoint.parse(json);
    const forged = { ...body, mac: `hmac-sha256:${"0".repeat(64)}` };
    expect(restoreCheckpoint(forged, { key: KEY })).toMatchObject({ ok: false, error: { code: "CHECKPOINT_UNAUTHENTICATED" } });
  });

  it("refuses finished runs (closed, blocked, aborted) but lets a B-PERSIST halt resume", async () => {
    const closed = await runOnce(new Map(), {}, null);
    expect(restoreCheckpoint(closed.checkpoint, { key: KEY })).toMatchObject({ ok: false, error: { code: "CHECKPOINT_FINISHED" } });
    const blocked = await runOnce(new Map(), FAILING.testsPassed, null);
    expect(restoreCheckpoint(blocked.checkpoint, { key: KEY })).toMatchObject({ ok: false, error: { code: "CHECKPOINT_FINISHED", message: expect.stringContaining("B-TESTS") } });
    const persist = await runOnce(new Map(), FAILING.persisted, null);
    expect(restoreCheckpoint(persist.checkpoint, { key: KEY }).ok).toBe(true);
  });
});

describe("resume re-derives, never trusts", () => {
  it("re-derives passed tracks from their evidence and runs only what was in flight", async () => {
    const { disk, json } = await checkpointAt("build");
    const calls = noCalls();
    const r = await resume(json, disk, {}, calls);
    expect(r.out?.status).toBe("closed");
    expect(calls).toEqual({ ssot: 0, venue: 0, attest: 0, build: 1, test: 1, bind: 1, persist: 1 });
    expect(r.out?.facts.map((f) => f.id)).toEqual(expect.arrayContaining(["resume.rederived.ssot", "resume.rederived.attest"]));
  });

  it("re-opens a passed track whose evidence is gone, and judges its fresh output with its guards", async () => {
    const { disk, json } = await checkpointAt("bind");
    for (const k of [...disk.keys()]) if (k.startsWith(PASS.test.evidence[0]?.path ?? "?")) disk.delete(k);
    const calls = noCalls();
    // The world changed: the tests now fail. The checkpoint's "passed" must not survive that.
    const r = await resume(json, disk, FAILING.testsPassed, calls);
    expect(r.out && outcome(r.out)).toMatchObject({ status: "blocked", blocker: "B-TESTS" });
    expect(calls.test).toBe(1);
    expect(r.out?.facts.find((f) => f.id === "resume.reopened.test")?.value).toContain("missing or changed");
  });

  it("a forged checkpoint re-sealed with the key (tracks passed, outputs that pass their own checks, no evidence) does not close", async () => {
    const { json } = await checkpointAt("persist");
    // The attacker's disk has nothing; the real world blocks at attest.
    const r = await resume(json, new Map(), FAILING.attestationVerified);
    expect(r.out && outcome(r.out)).toMatchObject({ status: "blocked", blocker: "B4′" });
  });

  describe("a run killed at any track resumes to the outcome an uninterrupted run reaches", () => {
    const worlds: [string, Parameters<typeof fakeFns>[0]][] = [["green", {}], ...Object.entries(FAILING).map(([check, b]): [string, Parameters<typeof fakeFns>[0]] => [check, b])];
    for (const [name, behaviour] of worlds) {
      for (const track of TRACK_IDS) {
        it(`${name}, killed at ${track}`, async () => {
          const straight = await runOnce(new Map(), behaviour, null);
          if (straight.out === null) throw new Error("the straight run was interrupted");
          const disk: Disk = new Map();
          const killed = await runOnce(disk, behaviour, track);
          if (killed.out !== null) {
            // The run ended before reaching `track`: nothing to kill there.
            expect(outcome(killed.out)).toEqual(outcome(straight.out));
            return;
          }
          if (killed.checkpoint === null) {
            // Killed in the first track: no checkpoint was written, so the next run starts afresh.
            expect(track).toBe("ssot");
            return;
          }
          const r = await resume(killed.checkpoint, disk, behaviour);
          expect(r.refused).toBeUndefined();
          expect(r.out && outcome(r.out)).toEqual(outcome(straight.out));
        });
      }
    }
  });
});



