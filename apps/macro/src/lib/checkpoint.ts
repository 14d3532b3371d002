import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { restoreCheckpoint, type RestoredCheckpoint } from "@macro/machine";
import { InputError, formatStrictJsonError, parseStrictJson, readInput } from "@macro/ssot";

const CHECKPOINT = /^run-.+\.checkpoint\.json$/;
/** A checkpoint holds a machine snapshot, track outputs and facts: far under this. */
const CHECKPOINT_MAX_BYTES = 16 * 1024 * 1024;

/** The newest checkpoint in the folder, by modification time; null when none was written. */
export async function newestCheckpoint(dir: string): Promise<string | null> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => CHECKPOINT.test(n));
  const dated = await Promise.all(names.map(async (n) => ({ path: join(dir, n), at: (await stat(join(dir, n))).mtimeMs })));
  return dated.sort((a, b) => b.at - a.at)[0]?.path ?? null;
}

/**
 * A checkpoint is untrusted input: validated (version, shape, consistency, the SSOT it was taken
 * under) before the machine sees it. Only an unfinished run can be resumed.
 */
export async function loadResumable(file: string): Promise<(ssotSha256: string) => RestoredCheckpoint> {
  const read = await readInput(file, { kind: "evidence", maxBytes: CHECKPOINT_MAX_BYTES });
  if (!read.ok) throw new InputError("CHECKPOINT_UNREADABLE", read.error.message, { file });
  const parsed = parseStrictJson(read.value, { maxBytes: CHECKPOINT_MAX_BYTES });
  if (!parsed.ok) throw new InputError("CHECKPOINT_UNREADABLE", formatStrictJsonError(file, parsed.error), { file });
  const json = parsed.value;
  return (ssotSha256) => {
    const restored = restoreCheckpoint(json, { ssotSha256 });
    if (!restored.ok) throw new InputError(restored.error.code, `${file}: ${restored.error.message}`, { file });
    if (["blocked", "closed", "aborted"].includes(restored.value.value)) {
      throw new InputError(
        "CHECKPOINT_FINISHED",
        `${file}: run ${restored.value.runId} already finished (${restored.value.value}); nothing to resume — start a new run with \`pnpm macro run\``,
        { file },
      );
    }
    return restored.value;
  };
}
