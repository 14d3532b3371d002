import { TRACK_IDS, type TrackId, type TrackRecord, type TrackStatus } from "@macro/ssot";
import type * as z from "zod";
import { TRACK_OUTPUTS, type MacroContext, type TrackOutputMap } from "./types.ts";

// Pure context updates used by the machine's actions; kept apart so they read as data.

export function initialTracks(): TrackRecord[] {
  return TRACK_IDS.map((id) => ({ id, status: "pending", startedAt: null, finishedAt: null, durationMs: null, evidence: [] }));
}

export function startTrack(tracks: readonly TrackRecord[], track: TrackId, at: Date): TrackRecord[] {
  return tracks.map((t) => (t.id === track ? { ...t, status: "running", startedAt: at.toISOString(), finishedAt: null, durationMs: null } : t));
}

/** Settles `track`; on anything but `passed`, every later track becomes structurally unreachable. */
export function settleTrack(
  tracks: readonly TrackRecord[],
  track: TrackId,
  status: Exclude<TrackStatus, "pending" | "running" | "not-run">,
  at: Date,
  evidenceIds: readonly string[],
): TrackRecord[] {
  const index = TRACK_IDS.indexOf(track);
  return tracks.map((t) => {
    if (t.id === track) {
      const started = t.startedAt == null ? null : Date.parse(t.startedAt);
      return {
        ...t,
        status,
        finishedAt: at.toISOString(),
        durationMs: started == null ? null : Math.max(0, at.getTime() - started),
        evidence: [...evidenceIds],
      };
    }
    if (status !== "passed" && TRACK_IDS.indexOf(t.id) > index) return { ...t, status: "not-run" };
    return t;
  });
}

/** The `output` of a done event, whatever the event; guards and actions validate it with zod. */
export function outputOf(event: { type: string }): unknown {
  return "output" in event ? event.output : undefined;
}

export function errorOf(event: { type: string }): unknown {
  return "error" in event ? event.error : undefined;
}

export function parseOutput<T extends TrackId>(track: T, value: unknown): z.ZodSafeParseResult<TrackOutputMap[T]> {
  const schema: z.ZodType<TrackOutputMap[T]> = TRACK_OUTPUTS[track];
  return schema.safeParse(value);
}

/** Appends what an output carries to the run record (also for outputs that block). */
export function withOutput<T extends TrackId>(
  context: MacroContext,
  track: T,
  output: TrackOutputMap[T],
): Pick<MacroContext, "outputs" | "evidence" | "facts" | "sideEffects"> {
  return {
    outputs: { ...context.outputs, [track]: output },
    evidence: [...context.evidence, ...output.evidence],
    facts: [...context.facts, ...output.facts],
    sideEffects: [...context.sideEffects, ...output.sideEffects],
  };
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = "code" in error && typeof error.code === "string" ? ` ${error.code}` : "";
    return `${error.name}${code}: ${error.message}`;
  }
  return `non-error thrown: ${String(error)}`;
}
