import { TRACK_TITLES, type TrackId, type TrackRecord } from "@macro/ssot";
import type { Io } from "./io.ts";
import { colorOn } from "./tty.ts";

export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/** What a track reports while it runs: the step it is on and, for tests, the counts so far. */
export interface StepProgress {
  track: TrackId;
  step: string;
  tests?: TestCounts;
}

export type ProgressEvent = { kind: "track"; track: TrackRecord } | ({ kind: "step" } & StepProgress);

/** The one track in flight, as the live line shows it. */
export interface Running {
  id: TrackId;
  since: number;
  step: string | null;
  tests: TestCounts | null;
}

export interface RenderOptions {
  /** Tracks a resumed run re-derived from their evidence instead of running them again. */
  rederived?: ReadonlySet<string>;
  /** A terminal gets one live line redrawn in place; anything else gets plain lines. */
  tty: boolean;
  color: boolean;
  /** The terminal's width; the live line never wraps (a wrapped line cannot be redrawn). */
  columns: number;
}

const MARK: Record<string, string> = { passed: "✔", failed: "✖", blocked: "■", "not-run": "·" };
const TINT: Record<string, string> = { passed: "32", failed: "31", blocked: "33", "not-run": "90" };

const paint = (on: boolean, code: string, text: string) => (on ? `\u001b[${code}m${text}\u001b[39m` : text);

export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** Nothing counted yet says nothing: "0 passed" while the first suite runs would read as a result. */
const counted = (t: TestCounts | null | undefined): t is TestCounts => t !== null && t !== undefined && t.passed + t.failed + t.skipped > 0;
const counts = (t: TestCounts) => `${t.passed} passed${t.failed > 0 ? `, ${t.failed} failed` : ""}${t.skipped > 0 ? `, ${t.skipped} skipped` : ""}`;

/**
 * The pure half of progress: one event in, the state after it and the lines to print for good.
 * Settled tracks print everywhere; starts and steps print as lines only off a terminal (CI logs),
 * where no live line can show them.
 */
export function applyProgress(running: Running | null, event: ProgressEvent, at: number, opts: RenderOptions): { running: Running | null; lines: string[] } {
  if (event.kind === "step") {
    if (running === null || running.id !== event.track) return { running, lines: [] };
    const next: Running = { ...running, step: event.step, tests: event.tests ?? running.tests };
    const lines = opts.tty ? [] : [`  ${event.track.padEnd(8)} · ${event.step}${counted(event.tests) ? ` — ${counts(event.tests)} so far` : ""}`];
    return { running: next, lines };
  }
  const t = event.track;
  if (t.status === "running") {
    const lines = opts.tty ? [] : [`▸ ${t.id.padEnd(8)} running   ${TRACK_TITLES[t.id]}`];
    return { running: { id: t.id, since: at, step: null, tests: null }, lines };
  }
  const again = t.status === "passed" && opts.rederived?.has(t.id) === true;
  const mark = again ? "↺" : MARK[t.status];
  if (mark === undefined) return { running, lines: [] };
  const status = again ? "re-derived" : t.status;
  const duration = t.durationMs === null ? "" : ` ${t.durationMs.toFixed(0)} ms`;
  const line = `${paint(opts.color, TINT[t.status] ?? "39", mark)} ${t.id.padEnd(8)} ${status.padEnd(8)}${duration}  ${TRACK_TITLES[t.id]}`;
  return { running: running?.id === t.id ? null : running, lines: [line] };
}

/** The live line for a terminal: the track, its elapsed time, its step and test counts, cut to fit. */
export function liveLine(running: Running | null, now: number, opts: RenderOptions): string {
  if (running === null) return "";
  const parts = [`▸ ${running.id.padEnd(8)} ${formatElapsed(now - running.since)}  ${TRACK_TITLES[running.id]}`];
  if (running.step !== null) parts.push(running.step);
  if (counted(running.tests)) parts.push(counts(running.tests));
  const text = [...parts.join(" · ")];
  const fit = text.length < opts.columns ? text.join("") : `${text.slice(0, Math.max(0, opts.columns - 2)).join("")}…`;
  return opts.color ? `\u001b[2m${fit}\u001b[22m` : fit;
}

export interface ProgressReporter {
  track(track: TrackRecord): void;
  step(step: StepProgress): void;
  /** Clears the live line and stops its clock; safe to call twice. */
  stop(): void;
}

const CLEAR = "\r\u001b[2K";

/**
 * Progress on stderr (stdout stays for results, so `--json` is one document). Nothing with
 * `--quiet`. On a terminal the live line is redrawn every `tickMs` so the elapsed time moves
 * while a 90-second test track gives no event.
 */
export function progressReporter(
  io: Io,
  clock: { now(): number; tickMs: number } = { now: Date.now, tickMs: 500 },
  rederived: ReadonlySet<string> = new Set(),
): ProgressReporter {
  if (io.quiet === true) return { track() {}, step() {}, stop() {} };
  const tty = io.stderr.isTTY === true && io.env.TERM !== "dumb";
  // A terminal that reports no size (a pty nobody sized) reads as 0 columns: assume 80.
  const columns = io.stderr.columns !== undefined && io.stderr.columns >= 20 ? io.stderr.columns : 80;
  const opts: RenderOptions = { tty, color: colorOn(io.stderr, io.env), columns, rederived };
  let running: Running | null = null;
  let drawn = false;
  let timer: ReturnType<typeof setInterval> | null = null;

  const draw = () => {
    const line = liveLine(running, clock.now(), opts);
    if (line === "" && !drawn) return;
    io.stderr.write(`${CLEAR}${line}`);
    drawn = line !== "";
  };
  const apply = (event: ProgressEvent) => {
    const result = applyProgress(running, event, clock.now(), opts);
    running = result.running;
    if (result.lines.length > 0) {
      io.stderr.write(`${tty && drawn ? CLEAR : ""}${result.lines.join("\n")}\n`);
      drawn = false;
    }
    if (!tty) return;
    draw();
    if (running !== null && timer === null) {
      timer = setInterval(draw, clock.tickMs);
      timer.unref();
    } else if (running === null && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
  return {
    track: (track) => apply({ kind: "track", track }),
    step: (step) => apply({ kind: "step", ...step }),
    stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      if (drawn) io.stderr.write(CLEAR);
      drawn = false;
      running = null;
    },
  };
}
