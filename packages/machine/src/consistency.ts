import { TRACK_IDS, type TrackId } from "@macro/ssot";
import { firstFailure } from "./checks.ts";
import type { MacroContext } from "./types.ts";

type StateName = TrackId | "blocked" | "closed" | "aborted";

/**
 * Why a restored context cannot belong to a run of this machine in `value`, or null.
 * A checkpoint is a file anyone can edit: resuming must never skip a track whose
 * recorded output would not have passed its checks.
 */
export function inconsistency(value: StateName, context: MacroContext): string | null {
  const finalStatus = value === "blocked" || value === "closed" || value === "aborted" ? value : "running";
  if (context.status !== finalStatus) return `context status ${context.status} does not match state ${value}`;
  const at = (TRACK_IDS as readonly string[]).indexOf(value);
  if (context.tracks.map((t) => t.id).join() !== TRACK_IDS.join()) return "tracks are not the seven tracks in order";
  for (const [i, t] of context.tracks.entries()) {
    if (t.status !== "passed") continue;
    const problem = passedProblem(t.id, context);
    if (problem != null) return problem;
    if (at >= 0 && i >= at) return `track ${t.id} is passed but the run is still at ${value}`;
  }
  if (at >= 0) {
    const expected = TRACK_IDS.map((_, i) => (i < at ? "passed" : i === at ? "running" : "pending"));
    if (context.tracks.map((t) => t.status).join() !== expected.join()) return `track statuses do not fit a run at ${value}`;
  }
  if (value === "closed" && context.tracks.some((t) => t.status !== "passed")) return "closed with a track that did not pass";
  if (value === "blocked" && (context.blocker == null || !context.tracks.some((t) => t.status === "blocked"))) {
    return "blocked without a blocker";
  }
  if (value === "aborted" && context.error == null) return "aborted without an error";
  return null;
}

function passedProblem(track: TrackId, context: MacroContext): string | null {
  const failed = failedCheck(track, context);
  return failed == null ? null : `track ${track} is passed but ${failed}`;
}

// One switch keeps each track's output paired with its own checks without casts.
function failedCheck(track: TrackId, c: MacroContext): string | null {
  const env = { ssotSha256: c.ssotSha256 };
  const fails = (f: { check: string } | null) => (f == null ? null : `its output fails ${f.check}`);
  const none = "it has no output";
  const o = c.outputs;
  switch (track) {
    case "ssot":
      return o.ssot ? fails(firstFailure("ssot", o.ssot, env)) : none;
    case "venue":
      return o.venue ? fails(firstFailure("venue", o.venue, env)) : none;
    case "attest":
      return o.attest ? fails(firstFailure("attest", o.attest, env)) : none;
    case "build":
      return o.build ? fails(firstFailure("build", o.build, env)) : none;
    case "test":
      return o.test ? fails(firstFailure("test", o.test, env)) : none;
    case "bind":
      return o.bind ? fails(firstFailure("bind", o.bind, env)) : none;
    case "persist":
      return o.persist ? fails(firstFailure("persist", o.persist, env)) : none;
  }
}
