import { macroCommand } from "../lib/command.ts";
import { ioFrom } from "../lib/io.ts";
import { resolvePaths } from "../lib/paths.ts";
import { runMacroOnce } from "../lib/run-macro.ts";

export default macroCommand({
  meta: { name: "run", description: "Run the program macro end to end: closed (0), blocked with a packet (3), input error (2), defect (1)" },
  args: {
    ssot: { type: "string", description: "The SSOT file", valueHint: "FILE", default: "macro.yaml" },
    json: { type: "boolean", description: "Print the machine-readable result on stdout", default: false },
  },
  async run({ args, data }) {
    const io = ioFrom(data);
    const summary = await runMacroOnce(io, resolvePaths(io, args.ssot));
    if (args.json) {
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
    return summary.exitCode;
  },
});
