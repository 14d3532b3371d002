import { TRACK_IDS, type TrackId, err, ok, type Result } from "@macro/ssot";
import type { Snapshot } from "xstate";
import * as z from "zod";
import { inconsistency } from "./consistency.ts";
import { TRACK_ACTORS, trackInput } from "./machine.ts";
import { MacroContext } from "./types.ts";

/**
 * Bump whenever states, context, actor keys or invoke ids change: a snapshot from
 * another version is refused rather than migrated.
 *
 * Resuming caveat: a checkpoint taken while a track's actor was in flight restores
 * that actor from the start with its persisted input, so every track actor must be
 * safe to repeat (check its own side effects before acting). Entry actions are not
 * replayed on restore.
 */
export const MACHINE_VERSION = 1;

export const STATE_NAMES = [...TRACK_IDS, "blocked", "closed", "aborted"] as const;

const PersistedChild = z.looseObject({ src: z.string(), snapshot: z.unknown() });

const PersistedSnapshot = z.looseObject({
  status: z.enum(["active", "done"], { error: "only an active or finished run can be restored" }),
  value: z.enum(STATE_NAMES),
  context: MacroContext,
  children: z.record(z.string(), PersistedChild),
  output: z.unknown().optional(),
});

export const Checkpoint = z.object({
  version: z.literal(MACHINE_VERSION),
  machine: z.literal("macro"),
  runId: z.string().min(1),
  savedAt: z.string().min(1),
  snapshot: z.unknown(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

export type RestoredCheckpoint = {
  snapshot: Snapshot<unknown>;
  runId: string;
  savedAt: string;
  /** The state the run stopped in, and its validated context (e.g. to report tracks). */
  value: (typeof STATE_NAMES)[number];
  context: MacroContext;
};

export type CheckpointError = {
  code: "CHECKPOINT_VERSION" | "CHECKPOINT_INVALID" | "CHECKPOINT_SSOT_CHANGED";
  message: string;
};

export type RestoreOptions = {
  /**
   * The sha256 of the SSOT as loaded now. A resumed run does not re-run `ssot`, so a
   * changed SSOT must start a fresh run instead of resuming against the old one.
   */
  ssotSha256?: string;
};

/** Anything with a persisted snapshot and the machine's context: a running or stopped actor. */
export type CheckpointSource = {
  getPersistedSnapshot(): Snapshot<unknown>;
  getSnapshot(): { context: MacroContext };
};

export function toCheckpoint(actor: CheckpointSource, savedAt: Date = new Date()): Checkpoint {
  return {
    version: MACHINE_VERSION,
    machine: "macro",
    runId: actor.getSnapshot().context.runId,
    savedAt: savedAt.toISOString(),
    snapshot: actor.getPersistedSnapshot(),
  };
}

const invalid = (message: string) => err<CheckpointError>({ code: "CHECKPOINT_INVALID", message });

const issues = (error: z.ZodError) => error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");

/** Stored state is untrusted input: validate the envelope and the snapshot before resuming. */
export function restoreCheckpoint(json: unknown, opts: RestoreOptions = {}): Result<RestoredCheckpoint, CheckpointError> {
  const versioned = z.object({ version: z.unknown() }).safeParse(json);
  if (versioned.success && versioned.data.version !== MACHINE_VERSION) {
    return err({
      code: "CHECKPOINT_VERSION",
      message: `checkpoint version ${JSON.stringify(versioned.data.version)} is not machine version ${MACHINE_VERSION}`,
    });
  }
  const envelope = Checkpoint.safeParse(json);
  if (!envelope.success) return invalid(`not a macro checkpoint: ${issues(envelope.error)}`);
  const snap = PersistedSnapshot.safeParse(envelope.data.snapshot);
  if (!snap.success) return invalid(`checkpoint snapshot is invalid: ${issues(snap.error)}`);
  const s = snap.data;
  if (s.context.runId !== envelope.data.runId) {
    return invalid(`checkpoint is for run ${envelope.data.runId} but its snapshot is for run ${s.context.runId}`);
  }
  const isTrack = (v: string): v is TrackId => (TRACK_IDS as readonly string[]).includes(v);
  if (s.status === "active") {
    if (!isTrack(s.value)) return invalid(`an active checkpoint must be inside a track, not in ${s.value}`);
    const child = s.children[s.value];
    // Without its child the restored run would wait forever for a done event.
    if (child?.src !== TRACK_ACTORS[s.value]) {
      return invalid(`active checkpoint in ${s.value} has no ${TRACK_ACTORS[s.value]} actor to resume`);
    }
  } else if (isTrack(s.value)) {
    return invalid(`a finished checkpoint cannot be in track ${s.value}`);
  }
  const problem = inconsistency(s.value, s.context);
  if (problem != null) return invalid(`checkpoint snapshot is inconsistent: ${problem}`);
  if (opts.ssotSha256 != null && opts.ssotSha256 !== s.context.ssotSha256) {
    return err({
      code: "CHECKPOINT_SSOT_CHANGED",
      message: `the SSOT changed since the checkpoint (sha256 ${s.context.ssotSha256} then, ${opts.ssotSha256} now): start a fresh run`,
    });
  }
  // The in-flight actor re-runs with an input rebuilt from the validated context, never
  // with the stored one, and no other child survives.
  const children =
    isTrack(s.value) && s.status === "active"
      ? { [s.value]: { ...s.children[s.value], snapshot: { status: "active", input: trackInput(s.context, s.value) } } }
      : {};
  const active = { ...s, children, status: "active" as const, output: undefined, error: undefined };
  const done = { ...s, children, status: "done" as const, output: s.output, error: undefined };
  const snapshot: Snapshot<unknown> = s.status === "active" ? active : done;
  return ok({ snapshot, runId: envelope.data.runId, savedAt: envelope.data.savedAt, value: s.value, context: s.context });
}
