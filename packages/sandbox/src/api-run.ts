import * as z from "zod";
import type { RunRequest, RunResult } from "./engine.ts";
import { buildCreateBody, type CreateBody } from "./api-create.ts";
import { checkEngineRecord, describeDifferences, type EngineRecord } from "./engine-record.ts";
import { frameSink } from "./api-frames.ts";
import { apiCall, apiHijack, apiStream, engineMessage, type ApiTarget } from "./api-http.ts";

/** Each request of the run's sequence; the whole run is bounded by the request's own timeout. */
export const API_STEP_MS = 60_000;
/** Like the CLI path's default output buffer: a run that prints more is stopped. */
const MAX_OUTPUT_BYTES = 100_000_000;
const REMOVE_POLL_MS = 50;
const REMOVE_POLLS = 100;

const Created = z.object({ Id: z.string().regex(/^[0-9a-f]{12,64}$/) });
const Waited = z.object({
  StatusCode: z.number().int(),
  Error: z.object({ Message: z.string() }).nullish(),
});

type Interrupt = "timeout" | "abort";

function result(over: Partial<RunResult>): RunResult {
  return {
    exitCode: null,
    stdout: "",
    stderr: "",
    timedOut: false,
    aborted: false,
    spawnError: null,
    imageMissing: false,
    engineError: null,
    settled: true,
    engineRecord: null,
    ...over,
  };
}

/**
 * Force-remove a container and wait until the engine no longer knows it. With AutoRemove the
 * engine may already be removing it (409) or be done (404); both end in a 404 on inspect.
 */
export async function removeById(target: ApiTarget, id: string): Promise<boolean> {
  await apiCall(target, { method: "DELETE", path: `/containers/${encodeURIComponent(id)}?force=1`, timeoutMs: API_STEP_MS });
  for (let i = 0; i < REMOVE_POLLS; i++) {
    const seen = await apiCall(target, { method: "GET", path: `/containers/${encodeURIComponent(id)}/json`, timeoutMs: API_STEP_MS });
    if (seen.ok && seen.response.status === 404) return true;
    if (seen.ok && seen.response.status === 200 && i % 10 === 9) {
      await apiCall(target, { method: "DELETE", path: `/containers/${encodeURIComponent(id)}?force=1`, timeoutMs: API_STEP_MS });
    }
    await new Promise((done) => setTimeout(done, REMOVE_POLL_MS));
  }
  return false;
}

/**
 * `docker run --rm` through the Engine API, in the order the CLI uses: create (AutoRemove, so
 * the engine removes the container even if this process dies), attach, wait for removal —
 * sent and acknowledged before the start so the exit can never be missed — start, then read
 * the output to its end and the exit code. On timeout or abort the container is force-removed
 * by id; the create request is always awaited, so no create is left in flight (`settled`).
 */
export async function apiRun(target: ApiTarget, request: RunRequest, seccompJson: string | null): Promise<RunResult> {
  let interrupted: Interrupt | null = null;
  let onInterrupt: (why: Interrupt) => void = () => {};
  const interruptedP = new Promise<Interrupt>((resolve) => {
    onInterrupt = (why) => {
      if (interrupted !== null) return;
      interrupted = why;
      resolve(why);
    };
  });
  const timer = setTimeout(() => onInterrupt("timeout"), request.timeoutMs);
  const abort = () => onInterrupt("abort");
  request.signal?.addEventListener("abort", abort, { once: true });
  if (request.signal?.aborted === true) abort();
  const stopped = (): RunResult => result({ timedOut: interrupted === "timeout", aborted: interrupted === "abort" });
  /** Resolves with the step's value, or null as soon as the run is interrupted. */
  const step = <T>(p: Promise<T>): Promise<T | null> => Promise.race([p, interruptedP.then(() => null)]);

  try {
    if (interrupted !== null) return stopped();
    const body = buildCreateBody(request.spec, seccompJson);
    // Awaited even when an interrupt arrives meanwhile: its answer says whether there is a container to remove.
    const created = await apiCall(target, {
      method: "POST",
      path: `/containers/create?name=${encodeURIComponent(request.spec.name)}`,
      body,
      timeoutMs: API_STEP_MS,
    });
    if (!created.ok) {
      // Sent but unanswered: the engine may have created it; the caller sweeps by name.
      if (created.failure.sent) request.onCreated();
      return result({ engineError: `create failed: ${created.failure.reason}`, settled: !created.failure.sent });
    }
    const { status } = created.response;
    if (status === 404) return result({ imageMissing: true, engineError: engineMessage(created.response.body) });
    if (status !== 201) return result({ engineError: `create answered ${status}: ${engineMessage(created.response.body)}` });
    request.onCreated();
    const parsedId = Created.safeParse(safeJson(created.response.body));
    // Created, but the answer names no id: the caller removes it by name.
    if (!parsedId.success) return result({ engineError: "create answered 201 without a container id" });
    const id = parsedId.data.Id;
    return await runCreated(target, id, body, step, stopped, () => interrupted !== null);
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener("abort", abort);
  }
}

async function runCreated(
  target: ApiTarget,
  id: string,
  body: CreateBody,
  step: <T>(p: Promise<T>) => Promise<T | null>,
  stopped: () => RunResult,
  isInterrupted: () => boolean,
): Promise<RunResult> {
  const cleanups: (() => void)[] = [];
  let clean = false;
  try {
    if (isInterrupted()) return stopped();
    // The second view: the engine's own record, held to the request before anything runs.
    const read = await step(readRecord(target, id, body));
    if (read === null) return stopped();
    if (!read.ok) return result({ engineError: read.reason });
    const engineRecord = read.record;
    if (engineRecord.differences.length > 0) {
      return result({ engineError: `the engine's record differs from the request: ${describeDifferences(engineRecord.differences)}`, engineRecord });
    }
    const attach = await step(apiHijack(target, `/containers/${id}/attach?stream=1&stdout=1&stderr=1`, API_STEP_MS));
    if (attach === null) return stopped();
    if (!attach.ok) return result({ engineError: attach.failure.reason });
    const { socket } = attach;
    cleanups.push(() => socket.destroy());
    const sink = frameSink(MAX_OUTPUT_BYTES);
    if (attach.head.length > 0) sink.push(attach.head);
    const streamDone = new Promise<void>((resolve) => {
      socket.on("data", (chunk: Buffer) => {
        sink.push(chunk);
        // Too much output, or garbage: stop reading; the finally removes the container.
        if (sink.error !== null) resolve();
      });
      socket.once("end", () => resolve());
      socket.once("close", () => resolve());
      socket.once("error", () => resolve());
    });

    const wait = await step(apiStream(target, { method: "POST", path: `/containers/${id}/wait?condition=removed`, timeoutMs: API_STEP_MS }));
    if (wait === null) return stopped();
    if (!wait.ok) return result({ engineError: `wait failed: ${wait.failure.reason}` });
    cleanups.push(wait.cancel);
    if (wait.response.statusCode !== 200) return result({ engineError: `wait answered ${wait.response.statusCode ?? 0}` });
    const waitBody = readAll(wait.response);

    const start = await step(apiCall(target, { method: "POST", path: `/containers/${id}/start`, timeoutMs: API_STEP_MS }));
    if (start === null) return stopped();
    if (!start.ok) return result({ engineError: `start failed: ${start.failure.reason}` });
    if (start.response.status !== 204) return result({ engineError: `start answered ${start.response.status}: ${engineMessage(start.response.body)}` });

    const finished = await step(Promise.all([streamDone, waitBody]));
    if (finished === null) return stopped();
    const [, waited] = finished;
    if (sink.error !== null) return result({ engineError: sink.error, stdout: sink.stdout, stderr: sink.stderr });
    if (!sink.end()) return result({ engineError: sink.error ?? "attach stream ended early", stdout: sink.stdout, stderr: sink.stderr });
    const exit = Waited.safeParse(safeJson(waited ?? ""));
    if (!exit.success) return result({ engineError: "wait answered without an exit code", stdout: sink.stdout, stderr: sink.stderr });
    if (exit.data.Error?.Message) return result({ engineError: `wait: ${exit.data.Error.Message}`, stdout: sink.stdout, stderr: sink.stderr });
    clean = true;
    return result({ exitCode: exit.data.StatusCode, stdout: sink.stdout, stderr: sink.stderr, engineRecord });
  } finally {
    for (const cleanup of cleanups) cleanup();
    // The run did not end in an acknowledged removal: make sure the container is gone.
    if (!clean) await removeById(target, id);
  }
}

async function readRecord(target: ApiTarget, id: string, body: CreateBody): Promise<{ ok: true; record: EngineRecord } | { ok: false; reason: string }> {
  const r = await apiCall(target, { method: "GET", path: `/containers/${id}/json`, timeoutMs: API_STEP_MS });
  if (!r.ok) return { ok: false, reason: `inspect failed: ${r.failure.reason}` };
  if (r.response.status !== 200) return { ok: false, reason: `inspect answered ${r.response.status}: ${engineMessage(r.response.body)}` };
  return checkEngineRecord(body, safeJson(r.response.body));
}

/** The rest of a streamed answer as text, or null when it was cut off. */
function readAll(response: NodeJS.ReadableStream): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    response.on("data", (chunk: Buffer) => chunks.push(chunk));
    response.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    response.once("error", () => resolve(null));
    response.once("close", () => resolve(null));
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
