import { join, relative } from "node:path";
import { actorsFrom, asEngineFault, asStorageFault, macroMachine, mapFns, resumeFns, runMacro, type MacroOutput, type RestoredCheckpoint, type TrackFns } from "@macro/machine";
import { ExitCode, InternalError, InterruptedError, TRACK_IDS, type SideEffect, type TrackId, type TrackRecord } from "@macro/ssot";
import { clearLatestPacket, ensureDir, serializeJson, writeFileAtomic } from "@macro/report";
import { generateKeyPair } from "@macro/verifier";
import { REAL_TARGETS, runSelftest, type SelftestTargets } from "../selftest/selftest.ts";
import { trackFns } from "../tracks/index.ts";
import { SideEffectLog } from "../tracks/deps.ts";
import { checkpointPathFor } from "./checkpoint.ts";
import { checkpointKey } from "./checkpoint-key.ts";
import { haltOnFault, recordInterrupted, recordRun, writePacket, type RunContext } from "./halt.ts";
import type { Io } from "./io.ts";
import { createRunLogger } from "./logger.ts";
import { newRunId, type Paths } from "./paths.ts";
import { loadInputs } from "./prepare.ts";
import { abortable } from "./abortable.ts";
import { traceCommand, type Left } from "./left.ts";
import { progressReporter } from "./progress.ts";
import { rederiver } from "./rederive.ts";
import { runDetails, type RunDetails } from "./summary.ts";


export interface RunSummary {
  runId: string;
  status: MacroOutput["status"];
  exitCode: number;
  blocker: { id: string; class: string[]; track: string; guard: string; reason: string } | null;
  packet: { json: string; markdown: string; operator: string | null } | null;
  record: string;
  log: string;
  checkpoint: string | null;
  error: string | null;
  /** What the run left where: reports/checkpoints files, containers, image tags, temp (lib/left.ts). */
  left: Left;
  /** The venue, the attestation, the steps, the tests and the rows bound, as this run left them. */
  details: RunDetails;
}

const EXIT: Record<MacroOutput["status"], number> = { closed: ExitCode.closed, blocked: ExitCode.blocked, aborted: ExitCode.internal };

export type Resume = (ssotSha256: string) => RestoredCheckpoint;

/**
 * One run of the macro: inputs checked, machine driven with real actors, outcome persisted.
 * With `resume`, the run continues a checkpoint's run id: it starts afresh and every track the
 * checkpoint records as passed is re-derived from its evidence or runs again.
 *
 * A store that refuses a write (full disk, unwritable or vanished reports/) at any point ends
 * in B-PERSIST with a packet, written where it can be or printed in full, and exit 3.
 * `fns` replaces the real track functions (tests drive the real persistence with fake tracks).
 */
export async function runMacroOnce(
  io: Io,
  paths: Paths,
  resume?: Resume,
  fns?: (deps: Parameters<typeof trackFns>[0]) => TrackFns,
  /** The verifier, binder and ledger check the conformance kit runs against; tests inject broken ones. */
  targets: SelftestTargets = REAL_TARGETS,
): Promise<RunSummary> {
  const trace = traceCommand(io, paths);
  let ran: Awaited<ReturnType<typeof runUntraced>> | undefined;
  try {
    ran = await runUntraced(io, paths, resume, fns, targets);
  } finally {
    // A run that throws still removes its temp dir.
    if (ran === undefined) await trace.close([], null);
  }
  const { effects, movingTag, ...summary } = ran;
  return { ...summary, left: await trace.close(effects, movingTag) };
}

type Untraced = Omit<RunSummary, "left"> & { effects: readonly SideEffect[]; movingTag: string };

async function runUntraced(io: Io, paths: Paths, resume: Resume | undefined, fns: ((deps: Parameters<typeof trackFns>[0]) => TrackFns) | undefined, targets: SelftestTargets): Promise<Untraced> {
  // Nothing is written until the inputs are in; a signal before then ends the run at once, traceless.
  const { loaded, catalog, venueSource, venueFacts } = await abortable(loadInputs(io, paths), io.signal);
  // A verifier or binder that lets one tampered case through must not judge a run: refuse to
  // start, before anything is written.
  const kit = runSelftest(loaded.ssot, targets);
  if (kit.failures.length > 0) {
    const list = kit.failures.map((f) => `${f.id} (${f.classes.join(" ")}): expected ${f.expected}, got ${f.actual}`).join("; ");
    throw new InternalError("SELFTEST_FAILED", `the conformance kit fails ${kit.failures.length} of ${kit.results.length} cases, so this verifier cannot be trusted to judge a run: ${list} (see \`pnpm macro selftest\`)`);
  }
  const key = await checkpointKey(io.env, paths);
  const restored = resume?.(loaded.sha256);
  const now = () => new Date();
  const runId = restored?.runId ?? newRunId(now());
  const checkpointPath = checkpointPathFor(paths, runId);
  const ctx: RunContext = { io, paths, loaded, runId, catalog, checkpointPath, tracks: new Map(), logFile: join(paths.reportsDir, "logs", `run-${runId}.ndjson`) };
  const roots = [paths.reportsDir, paths.checkpointsDir];
  let output: MacroOutput | null = null;
  let recorded: SideEffect[] = [];
  try {
    const { log } = await createRunLogger(io, paths.reportsDir, runId);
    log.info({ ssot: loaded.path, sha256: loaded.sha256, resumedFrom: restored?.savedAt ?? null, selftest: { cases: kit.results.length, ms: Math.round(kit.ms) } }, restored === undefined ? "run started" : "run resumed");
    const recorder = new SideEffectLog(log);
    recorded = recorder.entries;
    const rederived = new Set<string>();
    const progress = progressReporter(io, undefined, rederived);
    const deps = { paths, loaded, env: io.env, recorder, log, now, venueSource, venueFacts, progress: progress.step, runKey: generateKeyPair() };

    // A checkpoint that could not be written halts the run at the next track (B-PERSIST): a run
    // must never go on past a state it could not record.
    let writes: Promise<void> = ensureDir(paths.checkpointsDir);
    writes.catch(() => undefined);
    const save = (text: string) => {
      writes = writes.then(() => writeFileAtomic(checkpointPath, text));
      writes.catch(() => undefined);
    };
    const guarded = guard(restored === undefined ? (fns ?? trackFns)(deps) : resumeFns((fns ?? trackFns)(deps), restored, rederiver(deps), (e) => {
      if (e.outcome === "rederived") rederived.add(e.track);
      log.info({ resume: e }, `track ${e.track} ${e.outcome}: ${e.reason}`);
    }), () => writes, roots);
    output = await runMacro(macroMachine.provide({ actors: actorsFrom(guarded) }), { runId, ssotSha256: loaded.sha256, catalog }, {
      onTrack: (track) => {
        ctx.tracks.set(track.id, track);
        log.info({ track }, `track ${track.id} ${track.status}`);
        progress.track(track);
      },
      checkpoint: { key, save: (c) => save(serializeJson(c)) },
      signal: io.signal,
    }).finally(progress.stop);
    await writes;
    log.info({ status: output.status, blocker: output.blocker?.id ?? null }, "run finished");

    const packet = output.status === "blocked" ? await writePacket(ctx, output, now()) : null;
    if (output.status === "closed") await clearLatestPacket(paths.reportsDir);
    // Records are named by their digest, so no record is ever rewritten; the checkpoint is a resume
    // point that a resume rewrites, so no record points at it.
    const persisted = output.outputs.persist?.evidence.find((e) => e.id === "run-record");
    const record = output.status === "closed" && persisted !== undefined ? join(paths.cwd, persisted.path) : await recordRun(ctx, output, [packet?.json, packet?.markdown, packet?.operator, loaded.path]);
    if (output.status === "aborted") log.error({ error: output.error }, "run aborted by a defect");
    log.flush();
    return {
      runId,
      status: output.status,
      exitCode: EXIT[output.status],
      blocker: output.blocker === null ? null : { id: output.blocker.id, class: output.blocker.class, track: output.blocker.track, guard: output.blocker.guard, reason: output.blocker.reason },
      packet: packet === null ? null : { json: relative(paths.cwd, packet.json), markdown: relative(paths.cwd, packet.markdown), operator: packet.operator === undefined ? null : relative(paths.cwd, packet.operator) },
      record: relative(paths.cwd, record),
      log: relative(paths.cwd, ctx.logFile),
      checkpoint: relative(paths.cwd, checkpointPath),
      error: output.error,
      effects: output.sideEffects,
      movingTag: loaded.ssot.sandbox.image,
      details: await runDetails(output, paths.cwd),
    };
  } catch (error) {
    if (error instanceof InterruptedError) {
      await recordInterrupted(ctx, recorded);
      throw error;
    }
    const fault = asStorageFault(error, roots);
    if (fault === null) throw error;
    const halted = await haltOnFault(ctx, fault, output, stoppedAt(ctx.tracks));
    const tracks = TRACK_IDS.flatMap((id) => { const t = ctx.tracks.get(id); return t === undefined ? [] : [t]; });
    const details: RunDetails = output !== null ? await runDetails(output, paths.cwd) : { venue: null, attestation: null, tracks: tracks.map((t) => ({ id: t.id, status: t.status, durationMs: t.durationMs })), tests: null, rows: null };
    return { ...halted, effects: recorded, movingTag: loaded.ssot.sandbox.image, details };
  }
}

/**
 * Every track first waits for the checkpoints before it to be written; a refusal of the store
 * inside a track becomes a StorageFault (B-PERSIST) and an engine that went away an EngineFault
 * (B4′), so the machine halts with a packet instead of aborting on a defect.
 */
function guard(fns: TrackFns, written: () => Promise<void>, roots: string[]): TrackFns {
  return mapFns(fns, (_track, fn) => async (args) => {
    try {
      await written();
      return await fn(args);
    } catch (error) {
      throw asStorageFault(error, roots) ?? asEngineFault(error) ?? error;
    }
  });
}

/** The track a run outside the machine's record stopped in: the one running, or the first not passed. */
function stoppedAt(tracks: ReadonlyMap<string, TrackRecord>): TrackId {
  return TRACK_IDS.find((id) => tracks.get(id)?.status === "running") ?? TRACK_IDS.find((id) => tracks.get(id)?.status !== "passed") ?? "persist";
}

