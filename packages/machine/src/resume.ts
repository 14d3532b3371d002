import { TRACK_IDS, type Fact, type TrackId } from "@macro/ssot";
import { fromPromise } from "xstate";
import type { RestoredCheckpoint } from "./checkpoint.ts";
import { TRACK_ACTORS } from "./machine.ts";
import type { TrackInput, TrackOutputMap } from "./types.ts";

/** One track's work: what an app provides for each track, before it becomes an actor. */
export type TrackFn<T extends TrackId> = (args: { input: TrackInput; signal: AbortSignal }) => Promise<TrackOutputMap[T]>;
export type TrackFns = { [T in TrackId]: TrackFn<T> };

/** The machine's actors (keyed by TRACK_ACTORS) from one function per track. */
export function actorsFrom(fns: TrackFns) {
  return {
    [TRACK_ACTORS.ssot]: fromPromise(fns.ssot),
    [TRACK_ACTORS.venue]: fromPromise(fns.venue),
    [TRACK_ACTORS.attest]: fromPromise(fns.attest),
    [TRACK_ACTORS.build]: fromPromise(fns.build),
    [TRACK_ACTORS.test]: fromPromise(fns.test),
    [TRACK_ACTORS.bind]: fromPromise(fns.bind),
    [TRACK_ACTORS.persist]: fromPromise(fns.persist),
  };
}

export type Rederived<T extends TrackId> = { ok: true; output: TrackOutputMap[T] } | { ok: false; reason: string };

/**
 * Re-establishes a passed track from what its recorded output pins (files re-hashed and
 * re-verified, bound to this run), against the run as re-derived so far (`input`). Returns
 * a fresh output built from that evidence, or why it cannot, in which case the track runs
 * again. The recorded output is a claim: nothing in it may be returned unchecked.
 */
export type Rederive = <T extends TrackId>(track: T, recorded: TrackOutputMap[T], input: TrackInput, signal: AbortSignal) => Promise<Rederived<T>>;

export type ResumeEvent = { track: TrackId; outcome: "rederived" | "reopened"; reason: string };

/**
 * The track functions of a resumed run. The machine starts afresh under the checkpoint's run
 * id and every track is judged by its guards again: a track the checkpoint records as passed
 * is first re-derived from its evidence; if that fails, or the track had not passed, the
 * real work runs. Either way a fact in the run record says which happened and why.
 */
export function resumeFns(fns: TrackFns, from: RestoredCheckpoint, rederive: Rederive, onEvent?: (e: ResumeEvent) => void): TrackFns {
  const passed = new Set(from.context.tracks.filter((t) => t.status === "passed").map((t) => t.id));
  const fact = (track: TrackId, outcome: ResumeEvent["outcome"], reason: string): Fact => ({
    id: `resume.${outcome}.${track}`,
    value: reason,
    source: `macro resume of run ${from.runId} (checkpoint saved ${from.savedAt})`,
    observedAt: new Date().toISOString(),
  });
  const wrap = <T extends TrackId>(track: T, fn: TrackFn<T>): TrackFn<T> => {
    return async (args) => {
      const recorded = from.context.outputs[track] as TrackOutputMap[T] | undefined;
      let reopened: string | null = null;
      if (passed.has(track) && recorded !== undefined) {
        const again = await rederive(track, recorded, args.input, args.signal);
        if (again.ok) {
          const reason = "re-derived from its pinned evidence";
          onEvent?.({ track, outcome: "rederived", reason });
          return { ...again.output, facts: [...again.output.facts, fact(track, "rederived", reason)] };
        }
        reopened = again.reason;
        onEvent?.({ track, outcome: "reopened", reason: again.reason });
      }
      const output = await fn(args);
      return reopened === null ? output : { ...output, facts: [...output.facts, fact(track, "reopened", reopened)] };
    };
  };
  return mapFns(fns, wrap);
}

/** Each track's function replaced by `f(track, fn)`: one typed place for wrapping all seven. */
export function mapFns(fns: TrackFns, f: <T extends TrackId>(track: T, fn: TrackFn<T>) => TrackFn<T>): TrackFns {
  const out = {} as TrackFns;
  for (const track of TRACK_IDS) assign(out, track, f(track, fns[track]));
  return out;
}

function assign<T extends TrackId>(out: { [K in TrackId]: TrackFn<K> }, track: T, fn: TrackFn<T>): void {
  out[track] = fn as (typeof out)[T];
}
