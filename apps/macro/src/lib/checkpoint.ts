import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { restoreCheckpoint, type RestoredCheckpoint } from "@macro/machine";
import { readLedger } from "@macro/report";
import { InputError, formatStrictJsonError, parseStrictJson, readInput } from "@macro/ssot";
import type { Paths } from "./paths.ts";

const CHECKPOINT = /^run-(.+)\.checkpoint\.json$/;
const MAX_BYTES = 16 * 1024 * 1024;

export function checkpointPathFor(paths: Paths, runId: string): string {
  return join(paths.checkpointsDir, `run-${runId}.checkpoint.json`);
}

/** The newest checkpoint in the folder, by modification time; null when none was written. */
export async function newestCheckpoint(dir: string): Promise<string | null> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => CHECKPOINT.test(n));
  const dated = await Promise.all(names.map(async (n) => ({ path: join(dir, n), at: (await stat(join(dir, n))).mtimeMs })));
  return dated.sort((a, b) => b.at - a.at)[0]?.path ?? null;
}

/** The run id a checkpoint file is named for. */
export function runIdOf(file: string): string {
  const named = CHECKPOINT.exec(basename(file))?.[1];
  if (named === undefined) throw refuse(file, "CHECKPOINT_INVALID", "not a checkpoint file name (run-<runId>.checkpoint.json)");
  return named;
}

const refuse = (file: string, code: string, message: string) => new InputError(code, `${file}: ${message}`, { file });

/**
 * A checkpoint is untrusted input and only a pointer: its MAC must verify with this user's key,
 * it must be for the run its name says, the ledger must not record that run as finished, and
 * then (see rederive.ts) every passed track it names is re-derived from evidence or runs again.
 */
export async function loadResumable(file: string, paths: Paths, key: Uint8Array): Promise<(ssotSha256: string) => RestoredCheckpoint> {
  const named = runIdOf(file);
  // The one bounded reader: a FIFO, a device or a link is refused before any open can block.
  const read = await readInput(file, { kind: "evidence", maxBytes: MAX_BYTES });
  if (!read.ok) throw new InputError("CHECKPOINT_UNREADABLE", read.error.message, { file });
  const parsed = parseStrictJson(read.value, { maxBytes: MAX_BYTES });
  if (!parsed.ok) throw new InputError("CHECKPOINT_UNREADABLE", formatStrictJsonError(file, parsed.error), { file });
  const json = parsed.value;
  return (ssotSha256) => {
    const restored = restoreCheckpoint(json, { key, ssotSha256 });
    if (!restored.ok) throw refuse(file, restored.error.code, restored.error.message);
    const { runId } = restored.value;
    if (runId !== named) throw refuse(file, "CHECKPOINT_FOREIGN", `the file is named for run ${named} but holds run ${runId}'s checkpoint`);
    finishedInLedger(file, join(paths.reportsDir, "ledger.ndjson"), restored.value);
    return restored.value;
  };
}

/** The ledger is the history: a run it records as ended is never resumed, whatever its checkpoint says. */
function finishedInLedger(file: string, ledgerPath: string, restored: RestoredCheckpoint): void {
  const ledger = readLedger(ledgerPath);
  if (!ledger.ok) {
    if (ledger.error.code === "LEDGER_MISSING") return;
    throw refuse(file, "CHECKPOINT_LEDGER", `cannot tell whether run ${restored.runId} already ended: ${ledgerPath} line ${ledger.error.line}: ${ledger.error.code}: ${ledger.error.message}`);
  }
  const haltedOnStore = restored.value === "blocked" && restored.context.blocker?.guard === "persisted";
  for (const entry of ledger.value.entries.filter((e) => e.runId === restored.runId)) {
    // Only a halt on the store may have left a blocked entry and still go on.
    if (entry.status === "blocked" && haltedOnStore) continue;
    if (entry.status === "closed" || entry.status === "aborted" || entry.status === "blocked") {
      throw refuse(file, "CHECKPOINT_FINISHED", `the ledger records run ${restored.runId} as ${entry.status} (entry ${entry.seq}); nothing to resume — start a new run with \`pnpm macro run\``);
    }
  }
}

/**
 * One process per run id at a time: a resume holds `run-<id>.lock` (its pid) for the whole run,
 * so two resumes of one run never write the same run folder at once. A lock whose process is
 * gone is taken over; a live one refuses, exit 2. Returns the release.
 */
export async function claimRun(paths: Paths, runId: string): Promise<() => Promise<void>> {
  const lock = join(paths.checkpointsDir, `run-${runId}.lock`);
  await mkdir(paths.checkpointsDir, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(lock, `${process.pid}\n`, { flag: "wx", mode: 0o600 });
      return () => rm(lock, { force: true });
    } catch (error) {
      if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
      const pid = Number.parseInt(await readFile(lock, "utf8").catch(() => ""), 10);
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
        throw new InputError("RUN_BUSY", `${lock}: run ${runId} is being resumed by process ${pid}; wait for it to end`, { file: lock });
      }
      await rm(lock, { force: true });
    }
  }
  throw new InputError("RUN_BUSY", `${lock}: could not claim run ${runId}`, { file: lock });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && "code" in error && error.code === "EPERM";
  }
}
