import { TRACK_IDS, type Blocker, type TrackId } from "@macro/ssot";
import { getShortestPaths, getSimplePaths } from "xstate/graph";
import { describe, expect, it } from "vitest";
import { CHECK_NAMES, OBSERVED_CLASS, trackOfCheck } from "./checks.ts";
import { FAILING, INPUT, PASS, TEST_CATALOG } from "./_fakes.ts";
import { STATE_NAMES } from "./checkpoint.ts";
import { macroMachine } from "./machine.ts";

// Synthetic done/error events stand in for the invoked actors (createTestModel refuses invoke).
const done = (track: TrackId, output: unknown) => ({ type: `xstate.done.actor.${track}`, output });
const events = [
  ...TRACK_IDS.map((t) => done(t, PASS[t])),
  ...CHECK_NAMES.map((c) => {
    const t = trackOfCheck(c);
    return done(t, FAILING[c][t]);
  }),
  ...TRACK_IDS.map((t) => ({ type: `xstate.error.actor.${t}`, error: new Error("boom") })),
  done("build", { not: "a build output" }),
];

describe("machine paths (xstate/graph)", () => {
  const shortest = getShortestPaths(macroMachine, { input: INPUT, events });
  const simple = getSimplePaths(macroMachine, { input: INPUT, events });

  it("reaches every state", () => {
    expect(new Set(shortest.map((p) => p.state.value))).toEqual(new Set(STATE_NAMES));
  });

  it("reaches every blocker class, catalog and observed", () => {
    const classes = new Set(
      simple.flatMap((p) => {
        const b: Blocker | null = p.state.context.blocker;
        return b?.class ?? [];
      }),
    );
    const expected = new Set([...TEST_CATALOG.flatMap((e) => e.class), ...Object.values(OBSERVED_CLASS)]);
    expect(classes).toEqual(expected);
  });

  it("closes only with all seven tracks passed, and blocks only with a blocker", () => {
    const closed = simple.filter((p) => p.state.value === "closed");
    expect(closed.length).toBeGreaterThan(0);
    for (const p of closed) {
      expect(p.state.context.tracks.map((t) => t.status)).toEqual(TRACK_IDS.map(() => "passed"));
      expect(p.state.context.blocker).toBeNull();
      expect(p.state.output?.status).toBe("closed");
    }
    const blocked = simple.filter((p) => p.state.value === "blocked");
    expect(blocked.length).toBe(CHECK_NAMES.length);
    for (const p of blocked) {
      expect(p.state.context.blocker).not.toBeNull();
      expect(p.state.context.tracks.some((t) => t.status === "blocked")).toBe(true);
    }
    for (const p of simple.filter((p) => p.state.value === "aborted")) {
      expect(p.state.context.error).not.toBeNull();
      expect(p.state.context.blocker).toBeNull();
      expect(p.state.context.tracks.filter((t) => t.status === "failed")).toHaveLength(1);
    }
  });
});
