import { InterruptedError, type TrackRecord } from "@macro/ssot";
import { createActor } from "xstate";
import { toCheckpoint, type Checkpoint } from "./checkpoint.ts";
import type { macroMachine } from "./machine.ts";
import { describeError, initialTracks } from "./record.ts";
import type { MacroInput, MacroOutput } from "./types.ts";

export type MacroMachine = typeof macroMachine;

export type RunOptions = {
  /** Called on every track status change (running, passed, blocked, …), in order. */
  onTrack?: (track: TrackRecord) => void;
  /**
   * Called after every track settles, with a checkpoint authenticated with `key` that the
   * caller may persist. A resumed run is not restored from it: it starts afresh under the
   * same run id with its track functions wrapped by `resumeFns`.
   */
  checkpoint?: { key: Uint8Array; save: (checkpoint: Checkpoint) => void };
  /**
   * Aborting stops the machine: the in-flight track actor's own signal is aborted, so it can
   * clean up (a container removed), and the run rejects with InterruptedError. The last
   * checkpoint handed to onSnapshot is where a later run resumes.
   */
  signal?: AbortSignal;
};

const SETTLED = new Set(["passed", "failed", "blocked"]);

/**
 * Runs the machine to a final state and resolves with its output. Rejects only on a
 * defect the machine cannot record itself (an action threw, a callback threw).
 *
 * @example
 * const out = await runMacro(macroMachine.provide({ actors }), input, { onSnapshot: (c) => save(c) });
 * if (out.status === "blocked") writePacket(out.blocker);
 */
export function runMacro(machine: MacroMachine, input: MacroInput, opts: RunOptions = {}): Promise<MacroOutput> {
  const actor = createActor(machine, { input });
  const statuses = (tracks: readonly TrackRecord[]) => new Map<string, string>(tracks.map((t) => [t.id, t.status]));
  let seen = statuses(initialTracks());

  return new Promise<MacroOutput>((resolve, reject) => {
    const fail = (error: unknown) => {
      subscription.unsubscribe();
      actor.stop();
      reject(error instanceof Error ? error : new Error(describeError(error)));
    };
    const subscription = actor.subscribe({
      next: (snap) => {
        try {
          let settled = false;
          for (const t of snap.context.tracks) {
            if (seen.get(t.id) === t.status) continue;
            opts.onTrack?.(t);
            if (SETTLED.has(t.status)) settled = true;
          }
          seen = statuses(snap.context.tracks);
          if (settled && opts.checkpoint !== undefined) opts.checkpoint.save(toCheckpoint(actor, opts.checkpoint.key));
        } catch (error) {
          fail(error);
          return;
        }
        if (snap.status === "done") {
          subscription.unsubscribe();
          resolve(snap.output);
        }
      },
      error: fail,
    });
    const interrupt = () => {
      subscription.unsubscribe();
      actor.stop();
      reject(new InterruptedError("interrupted: the running track was stopped; resume from the last checkpoint with `pnpm macro resume`"));
    };
    if (opts.signal?.aborted === true) {
      interrupt();
      return;
    }
    opts.signal?.addEventListener("abort", interrupt, { once: true });
    actor.start();
  });
}
