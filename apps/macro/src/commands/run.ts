import { ssotArg, jsonArg } from "../lib/args.ts";
import { macroCommand } from "../lib/command.ts";
import { ioFrom } from "../lib/io.ts";
import { resolvePaths } from "../lib/paths.ts";
import { runMacroOnce } from "../lib/run-macro.ts";
import { printSummary } from "../lib/summary.ts";

export default macroCommand({
  meta: { name: "run", description: "Run the program macro end to end: closed (0), blocked with a packet (3), input error (2), defect (1)" },
  args: {
    ssot: ssotArg,
    json: jsonArg,
  },
  async run({ args, data }) {
    const io = ioFrom(data);
    const summary = await runMacroOnce(io, resolvePaths(io, args.ssot));
    printSummary(io, summary, args.json);
    return summary.exitCode;
  },
});
