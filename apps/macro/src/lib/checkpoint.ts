import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { restoreCheckpoint, type RestoredCheckpoint } from "@macro/machine";
import { InputError } from "@macro/ssot";

const CHECKPOINT = /^run-.+\.checkpoint\.json$/;

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
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new InputError("CHECKPOINT_UNREADABLE", `${file}: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
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
