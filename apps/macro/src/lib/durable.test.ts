import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TrackFns } from "@macro/machine";
import { hashBytes, InterruptedError, TRACK_IDS, type TrackId } from "@macro/ssot";
import { FAILING, fakeFns, PASS } from "../../../../packages/machine/src/_fakes.ts";
import { checkpointKey } from "./checkpoint-key.ts";
import { loadResumable, newestCheckpoint } from "./checkpoint.ts";
import { runMacroOnce } from "./run-macro.ts";
import { repoRoot, scratch, type Scratch } from "./_scratch.ts";

// Replay, as Temporal tests it: a run killed at any track, with the real checkpoint files, key
// and ledger, resumes to the outcome the same world gives uninterrupted.

const made: Scratch[] = [];
afterEach(() => made.splice(0).forEach((s) => s.remove()));

const ssotSha = hashBytes(readFileSync(join(repoRoot, "macro.yaml")));
type Behaviour = Parameters<typeof fakeFns>[0];
const world = (b: Behaviour): Behaviour => ({ ssot: { ...PASS.ssot, ssotSha256Now: ssotSha }, ...b });

/** The world's track functions; the one at `killAt` stops the process (Ctrl-C) once it starts. */
function fns(behaviour: Behaviour, killAt: TrackId | null, kill: () => void): () => TrackFns {
  const hang = killAt === null ? {} : { [killAt]: () => (setTimeout(kill, 0), new Promise(() => {})) };
  return () => fakeFns({ ...world(behaviour), ...hang });
}

async function outcome(behaviour: Behaviour, killAt: TrackId | null) {
  const s = scratch();
  made.push(s);
  const controller = new AbortController();
  const io = { ...s.io, signal: controller.signal };
  try {
    const done = await runMacroOnce(io, s.paths, undefined, fns(behaviour, killAt, () => controller.abort()));
    return { s, done: { status: done.status, blocker: done.blocker?.id ?? null }, interrupted: false };
  } catch (error) {
    if (!(error instanceof InterruptedError)) throw error;
    return { s, done: null, interrupted: true };
  }
}

const worlds: [string, Behaviour][] = [
  ["green", {}],
  ["tests fail", FAILING.testsPassed],
  ["a row unbound", FAILING.allRowsBound],
];

describe("a run killed at each track resumes, through real checkpoint files, to the same outcome", () => {
  for (const [name, behaviour] of worlds) {
    it(name, async () => {
      const straight = await outcome(behaviour, null);
      let resumed = 0;
      for (const track of TRACK_IDS) {
        const killed = await outcome(behaviour, track);
        if (!killed.interrupted) {
          expect(killed.done, `${name} at ${track}`).toEqual(straight.done);
          continue;
        }
        const file = await newestCheckpoint(killed.s.paths.checkpointsDir);
        if (file === null) {
          expect(track, "only a kill in the first track leaves no checkpoint").toBe("ssot");
          continue;
        }
        const resume = await loadResumable(file, killed.s.paths, await checkpointKey(killed.s.io.env, killed.s.paths));
        const again = await runMacroOnce(killed.s.io, killed.s.paths, resume, fns(behaviour, null, () => undefined));
        expect({ status: again.status, blocker: again.blocker?.id ?? null }, `${name} at ${track}`).toEqual(straight.done);
        resumed += 1;
      }
      // Every track the world reaches after the first was killed and resumed.
      expect(resumed).toBeGreaterThanOrEqual(name === "green" ? 6 : 4);
    }, 60_000);
  }
});
