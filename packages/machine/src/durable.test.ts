import { InterruptedError, type TrackId } from "@macro/ssot";
import { describe, expect, it } from "vitest";
import { Checkpoint, restoreCheckpoint, sealCheckpoint, type CheckpointBody } from "./checkpoint.ts";
import { CHECK_NAMES } from "./checks.ts";
import { FAILING, INPUT, KEY, PASS, SHA, fakeFns } from "./_fakes.ts";
import { editLeaf, jsonLeaves, schemaLeafPaths } from "./_schema-paths.ts";
import { macroMachine } from "./machine.ts";
import { actorsFrom, resumeFns, type Rederive, type TrackFns } from "./resume.ts";
import { runMacro } from "./run.ts";
import type { TrackOutputMap } from "./types.ts";

type Behaviour = Parameters<typeof fakeFns>[0];
type Disk = Map<string, unknown>;

// Every field of a checkpoint, taken from its zod schema, edited one at a time: the edit is
// refused (the MAC), and even re-sealed by someone holding the key it is re-derived (the
// resumed run reaches what the evidence supports), never believed.

function recording(disk: Disk, fns: TrackFns): TrackFns {
  const wrap =
    <T extends TrackId>(track: T) =>
    async (args: Parameters<TrackFns[T]>[0]): Promise<TrackOutputMap[T]> => {
      const out = await (fns[track] as (a: typeof args) => Promise<TrackOutputMap[T]>)(args);
      for (const e of out.evidence) disk.set(`${e.path}@${e.sha256}`, out);
      return out;
    };
  return { ssot: wrap("ssot"), venue: wrap("venue"), attest: wrap("attest"), build: wrap("build"), test: wrap("test"), bind: wrap("bind"), persist: wrap("persist") };
}

const fromDisk =
  (disk: Disk): Rederive =>
  async (track, recorded) => {
    const ref = recorded.evidence[0];
    const found = ref === undefined ? undefined : disk.get(`${ref.path}@${ref.sha256}`);
    return found === undefined ? { ok: false, reason: `${track}: evidence missing or changed` } : { ok: true, output: found as typeof recorded };
  };

/** The last checkpoint of a run, stopped (as if killed) when `stopAt` starts, or at its end. */
async function sample(disk: Disk, behaviour: Behaviour, stopAt: TrackId | null): Promise<unknown> {
  const controller = new AbortController();
  const saved: string[] = [];
  const hang = stopAt === null ? {} : { [stopAt]: () => (setTimeout(() => controller.abort(), 0), new Promise(() => {})) };
  const machine = macroMachine.provide({ actors: actorsFrom(recording(disk, fakeFns({ ...behaviour, ...hang }))) });
  await runMacro(machine, INPUT, { signal: controller.signal, checkpoint: { key: KEY, save: (c) => saved.push(JSON.stringify(c)) } }).catch((e: unknown) => {
    if (!(e instanceof InterruptedError)) throw e;
  });
  const last = saved.at(-1);
  if (last === undefined) throw new Error("no checkpoint");
  return JSON.parse(last);
}

async function resumeIn(json: unknown, disk: Disk, behaviour: Behaviour) {
  const r = restoreCheckpoint(json, { key: KEY, ssotSha256: SHA });
  if (!r.ok) return { refused: r.error.code };
  const fns = resumeFns(recording(disk, fakeFns(behaviour)), r.value, fromDisk(disk));
  const out = await runMacro(macroMachine.provide({ actors: actorsFrom(fns) }), { ...INPUT, runId: r.value.runId });
  return { status: out.status, blocker: out.blocker?.id ?? null };
}

const used = [{ kind: "evidence-used" as const, detail: "operator bundle", at: "t", venueId: "V2", macLocal: false }];
/** Every optional field set somewhere: each track's output carries a side effect with all its fields. */
const operatorVenue: Behaviour = {
  ssot: { ...PASS.ssot, sideEffects: used },
  venue: { ...PASS.venue, operatorBundle: { path: "reports/op.json", sha256: SHA, venueId: "V2" }, sideEffects: used },
  attest: { ...PASS.attest, sideEffects: used },
  build: { ...PASS.build, sideEffects: used },
  test: { ...PASS.test, sideEffects: used },
  bind: { ...PASS.bind, sideEffects: used },
  persist: { ...PASS.persist, sideEffects: used },
};

/** Every world in which the tracks fail now: what the evidence does not support must fail. */
const failingNow: Behaviour = Object.assign({}, ...CHECK_NAMES.map((c) => FAILING[c]).reverse());

describe("every checkpoint field", () => {
  it("is covered by a sample checkpoint (a new schema field must be added to a sample)", async () => {
    const samples = await samplesOf();
    const seen = new Set(samples.flatMap((s) => jsonLeaves(s).map((l) => l.schemaPath)));
    const uncovered = schemaLeafPaths(Checkpoint).filter((p) => !seen.has(p));
    expect(uncovered).toEqual([]);
  });

  it("edited without the key: refused", async () => {
    const samples = await samplesOf();
    for (const path of schemaLeafPaths(Checkpoint)) {
      for (const s of samples) {
        const leaf = jsonLeaves(s).find((l) => l.schemaPath === path);
        if (leaf === undefined) continue;
        const r = restoreCheckpoint(editLeaf(s, leaf.concrete), { key: KEY, ssotSha256: SHA });
        expect(r.ok, path).toBe(false);
        expect(["CHECKPOINT_UNAUTHENTICATED", "CHECKPOINT_INVALID", "CHECKPOINT_VERSION"], path).toContain(r.ok ? "" : r.error.code);
      }
    }
  });

  it("edited and re-sealed with the key: refused or re-derived, never closed on what the evidence does not support", async () => {
    const disk: Disk = new Map();
    const json = await sample(disk, operatorVenue, "persist");
    const { mac: _mac, ...body } = Checkpoint.parse(json);
    const honestGreen = await resumeIn(json, new Map(disk), {});
    expect(honestGreen).toEqual({ status: "closed", blocker: null });
    const leaves = jsonLeaves(body);
    expect(leaves.length).toBeGreaterThan(50);
    for (const leaf of leaves) {
      const forged = sealCheckpoint(editLeaf(body, leaf.concrete) as CheckpointBody, KEY);
      const label = leaf.concrete.join(".");
      // The world unchanged: the same outcome as the honest checkpoint, or a refusal.
      const green = await resumeIn(forged, new Map(disk), {});
      if (!("refused" in green)) expect(green, label).toEqual(honestGreen);
      // Every track fails now and only the evidence on disk speaks for the passed ones.
      const failing = await resumeIn(forged, new Map(disk), failingNow);
      if (!("refused" in failing)) expect(failing.status, label).not.toBe("closed");
    }
  });
});

async function samplesOf(): Promise<unknown[]> {
  return [
    await sample(new Map(), operatorVenue, "persist"),
    await sample(new Map(), FAILING.attestCapabilityBuilt, null),
    await sample(new Map(), FAILING.buildCapabilityBuilt, null),
    await sample(new Map(), FAILING.testCapabilityBuilt, null),
    await sample(new Map(), { ...operatorVenue, persist: { ...PASS.persist, ok: false, reason: "rename failed", sideEffects: used } }, null),
    await sample(new Map(), { build: () => Promise.reject(new Error("a defect")) }, null),
  ];
}


