import { TRACK_TITLES, type TrackRecord } from "@macro/ssot";
import type { Io } from "./io.ts";

const MARK: Record<string, string> = { passed: "✔", failed: "✖", blocked: "■", "not-run": "·" };

/**
 * One readable line per settled track on stderr; stdout stays for results. A resumed run's
 * track that was re-derived from its evidence (not run again) says so.
 */
export function trackPrinter(io: Io, rederived: ReadonlySet<string> = new Set()): (track: TrackRecord) => void {
  return (track) => {
    const again = track.status === "passed" && rederived.has(track.id);
    const mark = again ? "↺" : MARK[track.status];
    if (mark === undefined) return;
    const status = again ? "re-derived" : track.status;
    const duration = track.durationMs === null ? "" : ` ${track.durationMs.toFixed(0)} ms`;
    io.stderr.write(`${mark} ${track.id.padEnd(8)} ${status.padEnd(8)}${duration}  ${TRACK_TITLES[track.id]}\n`);
  };
}
