import { InterruptedError, TRACK_IDS } from "@macro/ssot";
import { fromPromise } from "xstate";
import { describe, expect, it } from "vitest";
import type { AttestOutput, TrackInput } from "./types.ts";
import { restoreCheckpoint, type Checkpoint } from "./checkpoint.ts";
import { FAILING, INPUT, KEY, fakeMachine } from "./_fakes.ts";
import { runMacro } from "./run.ts";

describe("runMacro", () => {
  it("reports each track start and settle in order, and a checkpoint after each settle", async () => {
    const seen: string[] = [];
    const checkpoints: Checkpoint[] = [];
    const out = await runMacro(fakeMachine(), INPUT, {
      onTrack: (t) => seen.push(`${t.id}:${t.status}`),
      checkpoint: { key: KEY, save: (c) => checkpoints.push(c) },
    });
    expect(out.status).toBe("closed");
    expect(seen).toEqual(TRACK_IDS.flatMap((t) => [`${t}:running`, `${t}:passed`]));
    expect(checkpoints).toHaveLength(7);
    expect(checkpoints.every((c) => c.runId === "run-1")).toBe(true);
    // Every checkpoint is restorable as written.
    // Every checkpoint verifies as written; only the last (closed) is no longer resumable.
    const codes = checkpoints.map((c) => {
      const r = restoreCheckpoint(JSON.parse(JSON.stringify(c)), { key: KEY });
      return r.ok ? "ok" : r.error.code;
    });
    expect(codes).toEqual([...Array<string>(6).fill("ok"), "CHECKPOINT_FINISHED"]);
  });

  it("reports later tracks as not-run when a track blocks", async () => {
    const seen: string[] = [];
    const out = await runMacro(fakeMachine(FAILING.attestationVerified), INPUT, {
      onTrack: (t) => seen.push(`${t.id}:${t.status}`),
    });
    expect(out.status).toBe("blocked");
    expect(seen).toEqual([
      "ssot:running",
      "ssot:passed",
      "venue:running",
      "venue:passed",
      "attest:running",
      "attest:blocked",
      "build:not-run",
      "test:not-run",
      "bind:not-run",
      "persist:not-run",
    ]);
  });

  it("rejects when a callback throws (a defect in the caller), instead of reporting a status", async () => {
    const run = runMacro(fakeMachine(), INPUT, {
      checkpoint: {
        key: KEY,
        save: () => {
          throw new Error("disk full");
        },
      },
    });
    await expect(run).rejects.toThrow("disk full");
  });

  it("rejects on input the machine refuses, rather than reporting a status", async () => {
    await expect(runMacro(fakeMachine(), { ...INPUT, ssotSha256: "" })).rejects.toThrow(/ssotSha256/);
  });
});

describe("runMacro interrupted", () => {
  it("stops the in-flight track (its signal aborts), rejects with InterruptedError, keeps the last checkpoint", async () => {
    const controller = new AbortController();
    const checkpoints: Checkpoint[] = [];
    let trackSignal: AbortSignal | null = null;
    const machine = fakeMachine().provide({
      actors: {
        attest: fromPromise<AttestOutput, TrackInput>(({ signal }) => {
          trackSignal = signal;
          setTimeout(() => controller.abort(), 0);
          return new Promise(() => {});
        }),
      },
    });
    const run = runMacro(machine, INPUT, { signal: controller.signal, checkpoint: { key: KEY, save: (c) => checkpoints.push(c) } });
    await expect(run).rejects.toBeInstanceOf(InterruptedError);
    expect((trackSignal as AbortSignal | null)?.aborted).toBe(true);
    const last = checkpoints.at(-1);
    const restored = restoreCheckpoint(JSON.parse(JSON.stringify(last)), { key: KEY });
    expect(restored.ok && restored.value.value).toBe("attest");
  });
});
