import { TRACK_TITLES, type TrackRecord } from "@macro/ssot";
import type { Io } from "./io.ts";

const MARK: Record<string, string> = { passed: "✔", failed: "✖", blocked: "■", "not-run": "·" };

/** One readable line per settled track on stderr; stdout stays for results. */
export function trackPrinter(io: Io): (track: TrackRecord) => void {
  return (track) => {
    const mark = MARK[track.status];
    if (mark === undefined) return;
    const duration = track.durationMs === null ? "" : ` ${track.durationMs.toFixed(0)} ms`;
    io.stderr.write(`${mark} ${track.id.padEnd(8)} ${track.status.padEnd(8)}${duration}  ${TRACK_TITLES[track.id]}\n`);
  };
}
