import type { Io } from "./io.ts";
import type { RunSummary } from "./run-macro.ts";

/** What `run` and `resume` print: the result line for people, or the summary as JSON. */
export function printSummary(io: Io, summary: RunSummary, json: boolean): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else if (summary.status === "closed") {
    io.stdout.write(`CLOSED — every track passed with evidence. Run record: ${summary.record}\n`);
  } else if (summary.status === "blocked" && summary.blocker !== null && summary.packet !== null) {
    io.stdout.write(
      `BLOCKED at ${summary.blocker.track} by ${summary.blocker.id} (${summary.blocker.class.join(", ")})\n` +
        `  why:    ${summary.blocker.reason}\n  packet: ${summary.packet.markdown}\n  json:   ${summary.packet.json}\n` +
        (summary.packet.operator === null ? "" : `  operator runbook: ${summary.packet.operator}\n`),
    );
  } else {
    io.stdout.write(`ABORTED by an internal defect: ${summary.error ?? "unknown"}\n  log: ${summary.log}\n`);
  }
}
