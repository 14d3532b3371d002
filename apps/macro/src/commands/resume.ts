import { resolve } from "node:path";
import { InputError } from "@macro/ssot";
import { claimRun, loadResumable, newestCheckpoint, runIdOf } from "../lib/checkpoint.ts";
import { checkpointKey } from "../lib/checkpoint-key.ts";
import { jsonArg } from "../lib/args.ts";
import { macroCommand } from "../lib/command.ts";
import { ioFrom } from "../lib/io.ts";
import { resolvePaths } from "../lib/paths.ts";
import { runMacroOnce } from "../lib/run-macro.ts";
import { printSummary } from "../lib/summary.ts";

export default macroCommand({
  meta: { name: "resume", description: "Continue an interrupted run (or one halted by its store) under the same run id: every passed track is re-derived from its evidence or runs again (exit codes as run)" },
  args: {
    checkpoint: { type: "string", description: "The checkpoint to resume (default: the newest in checkpoints/)", valueHint: "FILE" },
    ssot: { type: "string", description: "The SSOT file (must be unchanged since the checkpoint)", valueHint: "FILE", default: "macro.yaml" },
    json: jsonArg,
  },
  async run({ args, data }) {
    const io = ioFrom(data);
    const paths = resolvePaths(io, args.ssot);
    const file = args.checkpoint === undefined ? await newestCheckpoint(paths.checkpointsDir) : resolve(io.cwd, args.checkpoint);
    if (file === null) throw new InputError("CHECKPOINT_NONE", `no checkpoint in ${paths.checkpointsDir}: nothing to resume`);
    const resume = await loadResumable(file, paths, await checkpointKey(io.env, paths));
    const release = await claimRun(paths, runIdOf(file));
    try {
      const summary = await runMacroOnce(io, paths, resume);
      printSummary(io, summary, args.json);
      return summary.exitCode;
    } finally {
      await release();
    }
  },
});
