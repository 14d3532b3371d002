import { join, relative } from "node:path";
import { macroMachine, runMacro, type Checkpoint, type MacroOutput, type RestoredCheckpoint } from "@macro/machine";
import { ExitCode, InternalError, flagsFrom, loadMatrix, type LoadedSsot } from "@macro/ssot";
import {
  buildBlockerPacket,
  buildRunRecord,
  clearLatestPacket,
  digestFile,
  findLatestPacket,
  operatorPacketName,
  packetFileNames,
  renderOperatorPacket,
  slug,
  persistRunRecord,
  serializeJson,
  writeBlockerPacket,
  writeFileAtomic,
  ensureDir,
  jsonlLineDigests,
} from "@macro/report";
import { readFile } from "node:fs/promises";
import { generateKeyPair } from "@macro/verifier";
import { evidenceKeys } from "./keys.ts";
import { REAL_TARGETS, runSelftest, type SelftestTargets } from "../selftest/selftest.ts";
import { trackActors } from "../tracks/index.ts";
import { SideEffectLog } from "../tracks/deps.ts";
import type { Io } from "./io.ts";
import { createRunLogger } from "./logger.ts";
import { newRunId, type Paths } from "./paths.ts";
import { loadInputs } from "./prepare.ts";
import { abortable } from "./abortable.ts";
import { trackPrinter } from "./progress.ts";

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
}

const EXIT: Record<MacroOutput["status"], number> = { closed: ExitCode.closed, blocked: ExitCode.blocked, aborted: ExitCode.internal };

/**
 * One run of the macro: inputs checked, machine driven with real actors, outcome persisted.
 * With `resume`, the run continues from a checkpoint (same run id, its log appended to).
 */
export async function runMacroOnce(
  io: Io,
  paths: Paths,
  resume?: (ssotSha256: string) => RestoredCheckpoint,
  /** The verifier, binder and ledger check the conformance kit runs against; tests inject broken ones. */
  targets: SelftestTargets = REAL_TARGETS,
): Promise<RunSummary> {
  // Nothing is written until the inputs are in; a signal before then ends the run at once, traceless.
  const { loaded, catalog, venueSource, venueFacts } = await abortable(loadInputs(io, paths), io.signal);
  // A verifier or binder that lets one tampered case through must not judge a run: refuse to
  // start, before anything is written.
  const kit = runSelftest(loaded.ssot, targets);
  if (kit.failures.length > 0) {
    const list = kit.failures.map((f) => `${f.id} (${f.classes.join(" ")}): expected ${f.expected}, got ${f.actual}`).join("; ");
    throw new InternalError("SELFTEST_FAILED", `the conformance kit fails ${kit.failures.length} of ${kit.results.length} cases, so this verifier cannot be trusted to judge a run: ${list} (see \`pnpm macro selftest\`)`);
  }
  const restored = resume?.(loaded.sha256);
  const now = () => new Date();
  const runId = restored?.runId ?? newRunId(now());
  const { log, file: logFile } = await createRunLogger(io, paths.reportsDir, runId);
  log.info({ ssot: loaded.path, sha256: loaded.sha256, resumedFrom: restored?.savedAt ?? null, selftest: { cases: kit.results.length, ms: Math.round(kit.ms) } }, restored === undefined ? "run started" : "run resumed");
  const recorder = new SideEffectLog(log);
  const deps = { paths, loaded, env: io.env, recorder, log, now, venueSource, venueFacts, runKey: generateKeyPair() };

  const checkpointPath = join(paths.checkpointsDir, `run-${runId}.checkpoint.json`);
  let writes: Promise<void> = ensureDir(paths.checkpointsDir);
  const saveCheckpoint = (checkpoint: Checkpoint) => {
    const text = serializeJson(checkpoint);
    writes = writes.then(() => writeFileAtomic(checkpointPath, text));
  };
  const printTrack = trackPrinter(io);
  const output = await runMacro(
    macroMachine.provide({ actors: trackActors(deps) }),
    { runId, ssotSha256: loaded.sha256, catalog },
    {
      onTrack: (track) => {
        log.info({ track }, `track ${track.id} ${track.status}`);
        printTrack(track);
      },
      onSnapshot: saveCheckpoint,
      signal: io.signal,
      ...(restored === undefined ? {} : { snapshot: restored }),
    },
  );
  await writes;
  log.info({ status: output.status, blocker: output.blocker?.id ?? null }, "run finished");

  const packet = output.status === "blocked" ? await writePacket(io, paths, loaded, runId, output, now()) : null;
  if (output.status === "closed") await clearLatestPacket(paths.reportsDir);
  // The checkpoint is a resume point that a resume rewrites, so no record points at it.
  const persisted = output.outputs.persist?.evidence.find((e) => e.id === "run-record");
  const record = output.status === "closed" && persisted !== undefined ? join(paths.cwd, persisted.path) : await recordRun(paths, loaded, runId, output, [packet?.json, packet?.markdown, packet?.operator]);
  if (output.status === "aborted") log.error({ error: output.error }, "run aborted by a defect");
  log.flush();

  return {
    runId,
    status: output.status,
    exitCode: EXIT[output.status],
    blocker: output.blocker === null ? null : { id: output.blocker.id, class: output.blocker.class, track: output.blocker.track, guard: output.blocker.guard, reason: output.blocker.reason },
    packet: packet === null ? null : { json: relative(paths.cwd, packet.json), markdown: relative(paths.cwd, packet.markdown), operator: packet.operator === undefined ? null : relative(paths.cwd, packet.operator) },
    record: relative(paths.cwd, record),
    log: relative(paths.cwd, logFile),
    checkpoint: relative(paths.cwd, checkpointPath),
    error: output.error,
  };
}

async function writePacket(io: Io, paths: Paths, loaded: LoadedSsot, runId: string, output: MacroOutput, at: Date) {
  const blocker = output.blocker;
  if (blocker === null) throw new Error("blocked run without a blocker");
  const [matrix, previous] = await Promise.all([loadMatrix(join(loaded.dir, loaded.ssot.matrix.path)), findLatestPacket(paths.reportsDir)]);
  const names = packetFileNames(blocker.id, runId);
  const venueId = output.outputs.venue?.verdict.venueId ?? null;
  const packet = buildBlockerPacket({
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
    venueId,
    paths: {
      markdown: relative(paths.cwd, join(paths.checkpointsDir, names.markdown)),
      json: relative(paths.cwd, join(paths.reportsDir, names.json)),
    },
  });
  // A blocker the operator owns also gets a self-contained runbook they can be handed alone.
  const owner = loaded.ssot.blockers.find((b) => b.id === blocker.id)?.owner;
  const operator = owner === "operator" ? join(paths.checkpointsDir, operatorPacketName(slug(blocker.id), packet.generatedAt.slice(0, 10), runId)) : undefined;
  const runbook = operator === undefined ? [] : [{ path: operator, data: renderOperatorPacket(loaded.ssot, packet) }];
  const written = await writeBlockerPacket(packet, paths, io.env, runbook);
  return { json: written.jsonPath, markdown: written.markdownPath, operator };
}

/** Blocked and aborted runs are recorded too: the ledger is the history of every run. */
async function recordRun(paths: Paths, loaded: LoadedSsot, runId: string, output: MacroOutput, files: (string | undefined)[]): Promise<string> {
  // Read back from disk, all at once: the record binds the bytes that are there.
  const written = files.filter((file): file is string => file !== undefined);
  // Named relative to the reports folder the record lives in, so a copy of that folder verifies anywhere.
  const products = (await Promise.all(written.map(digestFile))).map(({ sha256 }, i) => ({ path: relative(paths.reportsDir, written[i] ?? ""), sha256 }));
  // The evidence the run made before it stopped, where it is still the bytes that were recorded.
  const evidence = [];
  for (const e of output.evidence) {
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
