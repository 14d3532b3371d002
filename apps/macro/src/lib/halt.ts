import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { makeBlocker, type CatalogEntry, type MacroOutput, type StorageFault } from "@macro/machine";
import {
  buildBlockerPacket,
  buildRunRecord,
  digestFile,
  findLatestPacket,
  jsonlLineDigests,
  operatorPacketName,
  packetFileNames,
  persistRunRecord,
  renderOperatorPacket,
  renderPacketMarkdown,
  serializeJson,
  slug,
  writeBlockerPacket,
  writeFilesAtomic,
  type RunStatus,
} from "@macro/report";
import { ExitCode, TRACK_IDS, flagsFrom, loadMatrix, type Blocker, type BlockerPacket, type EvidenceRef, type LoadedSsot, type SideEffect, type TrackId, type TrackRecord } from "@macro/ssot";
import type { Io } from "./io.ts";
import { evidenceKeys } from "./keys.ts";
import type { Paths } from "./paths.ts";
import type { RunSummary } from "./run-macro.ts";

/** What the end of a run needs to write its packet and record, also when the machine never finished. */
export interface RunContext {
  io: Io;
  paths: Paths;
  loaded: LoadedSsot;
  runId: string;
  catalog: CatalogEntry[];
  checkpointPath: string;
  logFile: string;
  /** The latest record of each track, as the machine reported it. */
  tracks: Map<string, TrackRecord>;
}

async function packetFor(ctx: RunContext, output: Pick<MacroOutput, "tracks" | "sideEffects" | "outputs">, blocker: Blocker, at: Date, dirs: { markdown: string; json: string }) {
  const { paths, loaded, runId } = ctx;
  const [matrix, previous] = await Promise.all([loadMatrix(join(loaded.dir, loaded.ssot.matrix.path)), findLatestPacket(paths.reportsDir).catch(() => null)]);
  const names = packetFileNames(blocker.id, runId);
  return buildBlockerPacket({
    runId,
    now: at.toISOString(),
    ssot: loaded.ssot,
    ssotPath: relative(paths.cwd, loaded.path),
    ssotSha256: loaded.sha256,
    tracks: output.tracks,
    blocker,
    sideEffects: output.sideEffects,
    matrixRows: matrix.ok ? matrix.value.rows.map((r) => ({ id: r.id, track: r.track })) : null,
    previous,
    venueId: output.outputs.venue?.verdict.venueId ?? null,
    paths: { markdown: relative(paths.cwd, join(dirs.markdown, names.markdown)), json: relative(paths.cwd, join(dirs.json, names.json)) },
  });
}

export async function writePacket(ctx: RunContext, output: MacroOutput, at: Date) {
  const blocker = output.blocker;
  if (blocker === null) throw new Error("blocked run without a blocker");
  const { paths, loaded, io } = ctx;
  const packet = await packetFor(ctx, output, blocker, at, { markdown: paths.checkpointsDir, json: paths.reportsDir });
  // A blocker the operator owns also gets a self-contained runbook they can be handed alone.
  const owner = loaded.ssot.blockers.find((b) => b.id === blocker.id)?.owner;
  const operator = owner === "operator" ? join(paths.checkpointsDir, operatorPacketName(slug(blocker.id), packet.generatedAt.slice(0, 10), ctx.runId)) : undefined;
  const runbook = operator === undefined ? [] : [{ path: operator, data: renderOperatorPacket(loaded.ssot, packet) }];
  const written = await writeBlockerPacket(packet, paths, io.env, runbook);
  return { json: written.jsonPath, markdown: written.markdownPath, operator };
}

/**
 * Blocked, aborted and interrupted runs are recorded too: the ledger is the history of every run.
 * A record is named by its digest, so the final record of a run that goes on never overwrites one
 * the ledger pins. It binds only files no other run rewrites, read back from disk, named relative
 * to the reports folder (a copy of that folder verifies anywhere), and the evidence the run made
 * before it stopped where that is still the bytes that were recorded.
 */
export async function recordRun(
  ctx: RunContext,
  output: { status: RunStatus; tracks: TrackRecord[]; blocker: Blocker | null; sideEffects: SideEffect[]; evidence?: EvidenceRef[] },
  files: (string | undefined)[],
): Promise<string> {
  const { paths, loaded, runId } = ctx;
  const present = await Promise.all(files.filter((f): f is string => f !== undefined).map(async (path) => ({ path, digest: await digestFile(path).catch(() => null) })));
  const products = present.flatMap(({ path, digest }) => (digest === null ? [] : [{ path: relative(paths.reportsDir, path), sha256: digest.sha256 }]));
  const evidence = [];
  for (const e of output.evidence ?? []) {
    const abs = join(paths.cwd, e.path);
    const name = relative(paths.reportsDir, abs);
    const digest = await digestFile(abs).catch(() => null);
    if (digest?.sha256 !== e.sha256 || products.some((p) => p.path === name)) continue;
    products.push({ path: name, sha256: e.sha256 });
    evidence.push({ id: e.id, path: name, sha256: e.sha256, origin: e.origin });
  }
  const lines = evidence.find((e) => e.id === "test-results");
  const record = buildRunRecord({
    runId,
    macroId: loaded.ssot.macro.id,
    ssotSha256: loaded.sha256,
    status: output.status,
    tracks: output.tracks,
    blockerId: output.blocker?.id ?? null,
    flags: flagsFrom(output.sideEffects),
    products,
    evidenceLines: lines === undefined ? [] : jsonlLineDigests(await readFile(join(paths.reportsDir, lines.path))),
    evidence,
  });
  const keys = await evidenceKeys(loaded);
  const { recordPath } = await persistRunRecord({ reportsDir: paths.reportsDir, ledgerPath: join(paths.reportsDir, "ledger.ndjson"), record, at: new Date().toISOString(), keys: keys.ledger });
  return recordPath;
}

/**
 * The store refused a write: the run halts at B-PERSIST. The packet goes where it can — the
 * usual places, else checkpoints/ alone, else printed in full on stderr — and the run is
 * recorded in the ledger when the ledger can still be written. Exit 3; the last checkpoint that
 * was written stays, so `macro resume` continues once the store is fixed.
 */
/** What a halt on the store says of the run; the caller adds what it left and the details. */
export type HaltSummary = Omit<RunSummary, "left" | "details">;

export async function haltOnFault(ctx: RunContext, fault: StorageFault, output: MacroOutput | null, stopped: TrackId): Promise<HaltSummary> {
  const { paths, io } = ctx;
  const at = new Date();
  const tracks = output?.tracks ?? settledAt(ctx.tracks, stopped);
  const earlier = output?.blocker != null && output.blocker.guard !== "persisted" ? ` (the run had halted at ${output.blocker.track} by ${output.blocker.id}: ${output.blocker.reason})` : "";
  const blocker =
    output?.blocker?.guard === "persisted"
      ? output.blocker
      : makeBlocker(ctx.catalog, {
          track: output?.blocker?.track ?? stopped,
          check: "persisted",
          reason: `${fault.message}${earlier}`,
          facts: [
            { id: "persist.errno", value: fault.errno, source: "the store's answer", observedAt: at.toISOString() },
            { id: "persist.path", value: fault.path, source: "the store's answer", observedAt: at.toISOString() },
          ],
          capability: null,
        });
  // The catalog is validated at load: `persisted` has exactly one entry.
  if (blocker === null) throw new Error("the blocker catalog names no entry for the persisted check");
  const base = { tracks, sideEffects: output?.sideEffects ?? [], outputs: output?.outputs ?? {} };
  const summary = (packet: { json: string; markdown: string } | null, record: string | null): HaltSummary => ({
    runId: ctx.runId,
    status: "blocked",
    exitCode: ExitCode.blocked,
    blocker: { id: blocker.id, class: blocker.class, track: blocker.track, guard: blocker.guard, reason: blocker.reason },
    packet: packet === null ? null : { ...packet, operator: null },
    record: record ?? "(not written: the store refused it)",
    log: relative(paths.cwd, ctx.logFile),
    checkpoint: relative(paths.cwd, ctx.checkpointPath),
    error: null,
  });

  let written: { json: string; markdown: string } | null = null;
  let packet: BlockerPacket | null = null;
  for (const dirs of [{ markdown: paths.checkpointsDir, json: paths.reportsDir }, { markdown: paths.checkpointsDir, json: paths.checkpointsDir }]) {
    try {
      packet = await packetFor(ctx, base, blocker, at, dirs);
      if (dirs.json === paths.reportsDir) {
        const w = await writeBlockerPacket(packet, paths, io.env);
        written = { json: w.jsonPath, markdown: w.markdownPath };
      } else {
        const names = packetFileNames(blocker.id, ctx.runId);
        const files = { json: join(dirs.json, names.json), markdown: join(dirs.markdown, names.markdown) };
        await writeFilesAtomic([{ path: files.markdown, data: renderPacketMarkdown(packet) }, { path: files.json, data: serializeJson(packet) }]);
        written = files;
      }
      break;
    } catch {
      // The next place, then stderr.
    }
  }
  let record: string | null = null;
  try {
    const files = [written?.json, written?.markdown, ctx.loaded.path];
    record = relative(paths.cwd, await recordRun(ctx, { status: "blocked", tracks, blocker, sideEffects: base.sideEffects }, files));
  } catch {
    // The ledger cannot be written either: the packet says so, and the run stays resumable.
  }
  if (written === null) {
    io.stderr.write(`macro: B-PERSIST: ${blocker.reason}\nNothing could be written; the packet follows in full.\n`);
    if (packet !== null) io.stderr.write(`${renderPacketMarkdown(packet)}\n--- packet JSON ---\n${serializeJson(packet)}\n`);
    else io.stderr.write(`${JSON.stringify({ runId: ctx.runId, blocker }, null, 2)}\n`);
  }
  return summary(written === null ? null : { json: relative(paths.cwd, written.json), markdown: relative(paths.cwd, written.markdown) }, record);
}

/**
 * Ctrl-C is history too: the ledger records the run as interrupted (binding the SSOT it ran
 * under), so `macro status` can say so; resuming it later appends how it ended. Best effort: an
 * interrupted run whose store refuses the record still exits 130.
 */
export async function recordInterrupted(ctx: RunContext, sideEffects: SideEffect[]): Promise<void> {
  const tracks = TRACK_IDS.map((id): TrackRecord => ctx.tracks.get(id) ?? { id, status: "pending", startedAt: null, finishedAt: null, durationMs: null, evidence: [] });
  await recordRun(ctx, { status: "interrupted", tracks, blocker: null, sideEffects }, [ctx.loaded.path]).catch(() => undefined);
}

/** The tracks as last reported, the one that was running blocked and every later one not run. */
function settledAt(seen: ReadonlyMap<string, TrackRecord>, stopped: TrackId): TrackRecord[] {
  const index = TRACK_IDS.indexOf(stopped);
  return TRACK_IDS.map((id, i): TrackRecord => {
    const t = seen.get(id) ?? { id, status: "pending", startedAt: null, finishedAt: null, durationMs: null, evidence: [] };
    if (i === index && t.status !== "passed") return { ...t, status: "blocked" };
    if (i > index) return { ...t, status: "not-run" };
    return t;
  });
}
