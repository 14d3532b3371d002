import { findLatestPacket } from "@macro/report";
import { macroCommand } from "../lib/command.ts";
import { ioFrom } from "../lib/io.ts";
import { resolvePaths } from "../lib/paths.ts";

export default macroCommand({
  meta: { name: "status", description: "Where the last blocked run stopped: its blocker, its packet, its next action" },
  args: {
    json: { type: "boolean", description: "Print the machine-readable status on stdout", default: false },
  },
  async run({ args, data }) {
    const io = ioFrom(data);
    const paths = resolvePaths(io, undefined);
    const packet = await findLatestPacket(paths.reportsDir);
    if (args.json) {
      io.stdout.write(`${JSON.stringify(packet === null ? { blocked: false } : { blocked: true, runId: packet.runId, stoppedAt: packet.stoppedAt, blocker: packet.blocker, packet: packet.renderings, nextActions: packet.nextActions }, null, 2)}\n`);
      return 0;
    }
    if (packet === null) {
      io.stdout.write("No blocked run on record: the last run closed, or none has run yet (reports/).\n");
      return 0;
    }
    const first = packet.nextActions[0];
    io.stdout.write(
      [
        `Last run ${packet.runId}: BLOCKED at ${packet.stoppedAt.track} (${packet.stoppedAt.trackTitle})`,
        `  blocker: ${packet.blocker.id} — ${packet.blocker.title} [${packet.blocker.class.join(", ")}] (${packet.blocker.continuity})`,
        `  why:     ${packet.stoppedAt.why}`,
        `  packet:  ${packet.renderings?.markdownPath ?? "(not rendered)"}`,
        first === undefined ? "" : `  next:    ${first.owner}: ${first.commands.join(" && ")}`,
        "",
      ].join("\n"),
    );
    return 0;
  },
});
