import { createHmac, timingSafeEqual } from "node:crypto";
import { TRACK_IDS, type TrackId, err, ok, type Result } from "@macro/ssot";
import * as z from "zod";
import { inconsistency } from "./consistency.ts";
import { MacroContext } from "./types.ts";

/**
 * Bump whenever states, context or the checkpoint's shape change: a checkpoint from another
 * version is refused rather than migrated.
 *
 * A checkpoint is a pointer, not a source of truth: it names the run, where it stopped and
 * which evidence each passed track pinned. Resuming starts the machine afresh under the same
 * run id; every passed track is re-derived from that evidence (see resume.ts) or runs again.
 */
export const MACHINE_VERSION = 2;

export const STATE_NAMES = [...TRACK_IDS, "blocked", "closed", "aborted"] as const;
export type StateName = (typeof STATE_NAMES)[number];

const MAC = /^hmac-sha256:[0-9a-f]{64}$/;

/** What is authenticated: everything in the file but the MAC itself. */
export const CheckpointBody = z.strictObject({
  version: z.literal(MACHINE_VERSION),
  machine: z.literal("macro"),
  runId: z.string().min(1),
  savedAt: z.string().min(1),
  state: z.enum(STATE_NAMES),
  context: MacroContext,
});
export type CheckpointBody = z.infer<typeof CheckpointBody>;

export const Checkpoint = z.strictObject({ ...CheckpointBody.shape, mac: z.string().regex(MAC, "must be hmac-sha256:<64 hex>") });
export type Checkpoint = z.infer<typeof Checkpoint>;

export type RestoredCheckpoint = {
  runId: string;
  savedAt: string;
  /** The state the run stopped in, and its validated context (the pins of its passed tracks). */
  value: StateName;
  context: MacroContext;
};

export type CheckpointError = {
  code: "CHECKPOINT_VERSION" | "CHECKPOINT_INVALID" | "CHECKPOINT_UNAUTHENTICATED" | "CHECKPOINT_SSOT_CHANGED" | "CHECKPOINT_FINISHED";
  message: string;
};

export type RestoreOptions = {
  /** The key checkpoints are authenticated with; it lives outside reports/ and checkpoints/. */
  key: Uint8Array;
  /** A changed SSOT must start a fresh run instead of resuming against the old one. */
  ssotSha256?: string;
};

/** Anything with the machine's state and context: a running or stopped actor. */
export type CheckpointSource = { getSnapshot(): { value: unknown; context: MacroContext } };

/** Sorted keys, no whitespace: the bytes the MAC covers do not depend on how the file was laid out. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

const macOf = (body: CheckpointBody, key: Uint8Array) => `hmac-sha256:${createHmac("sha256", key).update(canonical(body)).digest("hex")}`;

export function toCheckpoint(actor: CheckpointSource, key: Uint8Array, savedAt: Date = new Date()): Checkpoint {
  const snap = actor.getSnapshot();
  const body = CheckpointBody.parse({
    version: MACHINE_VERSION,
    machine: "macro",
    runId: snap.context.runId,
    savedAt: savedAt.toISOString(),
    state: snap.value,
    context: snap.context,
  });
  return sealCheckpoint(body, key);
}

/** Authenticates a checkpoint body with `key`. */
export function sealCheckpoint(body: CheckpointBody, key: Uint8Array): Checkpoint {
  if (key.byteLength < 32) throw new Error("a checkpoint key has at least 32 bytes");
  return { ...body, mac: macOf(body, key) };
}

const invalid = (message: string) => err<CheckpointError>({ code: "CHECKPOINT_INVALID", message });

const issues = (error: z.ZodError) => error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");

/**
 * Stored state is untrusted input: the MAC is checked first (an edited or forged checkpoint is
 * refused whatever it says), then version, shape and consistency. What it restores is only the
 * run id, where it stopped and the pins of its passed tracks; none of it is believed until the
 * evidence behind it is re-derived.
 */
export function restoreCheckpoint(json: unknown, opts: RestoreOptions): Result<RestoredCheckpoint, CheckpointError> {
  const versioned = z.object({ version: z.unknown() }).safeParse(json);
  if (versioned.success && versioned.data.version !== MACHINE_VERSION) {
    return err({
      code: "CHECKPOINT_VERSION",
      message: `checkpoint version ${JSON.stringify(versioned.data.version)} is not machine version ${MACHINE_VERSION}`,
    });
  }
  const sealed = Checkpoint.safeParse(json);
  if (!sealed.success) return invalid(`not a macro checkpoint: ${issues(sealed.error)}`);
  const { mac, ...body } = sealed.data;
  const expected = Buffer.from(macOf(body, opts.key));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return err({ code: "CHECKPOINT_UNAUTHENTICATED", message: "the checkpoint's MAC does not verify: it was edited, forged, or written with another key" });
  }
  if (body.context.runId !== body.runId) return invalid(`checkpoint is for run ${body.runId} but its context is for run ${body.context.runId}`);
  const problem = inconsistency(body.state, body.context);
  if (problem != null) return invalid(`checkpoint is inconsistent: ${problem}`);
  if (opts.ssotSha256 != null && opts.ssotSha256 !== body.context.ssotSha256) {
    return err({
      code: "CHECKPOINT_SSOT_CHANGED",
      message: `the SSOT changed since the checkpoint (sha256 ${body.context.ssotSha256} then, ${opts.ssotSha256} now): start a fresh run`,
    });
  }
  const finished = whyFinished(body.state, body.context);
  if (finished !== null) return err({ code: "CHECKPOINT_FINISHED", message: `run ${body.runId} ${finished}; nothing to resume — start a new run with \`pnpm macro run\`` });
  return ok({ runId: body.runId, savedAt: body.savedAt, value: body.state, context: body.context });
}

/**
 * Only a run that stopped mid-track (interrupted, killed) or halted because its store refused a
 * write (B-PERSIST on the `persisted` check) can go on; every other end is final.
 */
function whyFinished(state: StateName, context: MacroContext): string | null {
  if ((TRACK_IDS as readonly string[]).includes(state)) return null;
  if (state === "blocked" && context.blocker?.guard === "persisted") return null;
  return `already finished (${state}${context.blocker === null ? "" : ` by ${context.blocker.id}`})`;
}

/** The tracks a checkpoint records as passed, in order. */
export function passedTracks(restored: RestoredCheckpoint): TrackId[] {
  return restored.context.tracks.filter((t) => t.status === "passed").map((t) => t.id);
}
