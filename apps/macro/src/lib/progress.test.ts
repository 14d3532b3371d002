import type { TrackId, TrackRecord } from "@macro/ssot";
import { describe, expect, it } from "vitest";
import type { Io } from "./io.ts";
import { applyProgress, formatElapsed, liveLine, progressReporter, type Running } from "./progress.ts";

const track = (id: TrackId, status: TrackRecord["status"], durationMs: number | null = null): TrackRecord =>
  ({ id, status, startedAt: null, finishedAt: null, durationMs, reason: null, evidence: [], facts: [], sideEffects: [] }) as unknown as TrackRecord;

/** A stderr that records what a terminal would end up showing: `\r` + erase-line rewrites the last line. */
function fakeTerminal(isTTY: boolean, columns = 80) {
  const writes: string[] = [];
  const screen = (): string[] => {
    const lines = [""];
    // Colour codes take no room on a screen; the erase-line sequence is what moves things.
    for (const chunk of writes.map((w) => w.replace(/\u001b\[[0-9;]*m/g, ""))) {
      for (const piece of chunk.split(/(\r\u001b\[2K|\n)/)) {
        if (piece === "\n") lines.push("");
        else if (piece === "\r\u001b[2K") lines[lines.length - 1] = "";
        else lines[lines.length - 1] += piece;
      }
    }
    return lines;
  };
  return { stream: { isTTY, columns, write: (c: string) => writes.push(c) }, writes, screen };
}

function ioWith(stderr: Io["stderr"], extra: Partial<Io> = {}): { io: Io; stdout: string[] } {
  const stdout: string[] = [];
  return { io: { stdout: { write: (c: string) => stdout.push(c) }, stderr, env: { TERM: "xterm" }, cwd: "/", signal: new AbortController().signal, ...extra }, stdout };
}

describe("progress — the pure renderer", () => {
  const tty = { tty: true, color: false, columns: 80 };
  const plain = { tty: false, color: false, columns: 80 };

  it("formats elapsed time as m:ss", () => {
    expect(formatElapsed(0)).toBe("0:00");
    expect(formatElapsed(61_999)).toBe("1:01");
    expect(formatElapsed(-5)).toBe("0:00");
  });

  it("on a terminal: no line for a start or a step, a live line with elapsed, step and counts, one line per settled track", () => {
    let r = applyProgress(null, { kind: "track", track: track("test", "running") }, 1_000, tty);
    expect(r.lines).toEqual([]);
    expect(liveLine(r.running, 1_000, tty)).toBe("▸ test     0:00  Run tests");
    r = applyProgress(r.running, { kind: "step", track: "test", step: "suite @macro/inspector", tests: { passed: 0, failed: 0, skipped: 0 } }, 2_000, tty);
    expect(r.lines).toEqual([]);
    expect(liveLine(r.running, 2_000, tty), "nothing counted yet is not shown as 0 passed").toBe("▸ test     0:01  Run tests · suite @macro/inspector");
    r = applyProgress(r.running, { kind: "step", track: "test", step: "suite @macro/tki-inspector", tests: { passed: 212, failed: 1, skipped: 0 } }, 30_000, tty);
    expect(liveLine(r.running, 73_000, tty)).toBe("▸ test     1:12  Run tests · suite @macro/tki-inspector · 212 passed, 1 failed");
    r = applyProgress(r.running, { kind: "track", track: track("test", "passed", 72_004) }, 73_000, tty);
    expect(r.lines).toEqual(["✔ test     passed   72004 ms  Run tests"]);
    expect(r.running).toBeNull();
    expect(liveLine(r.running, 74_000, tty)).toBe("");
  });

  it("off a terminal (CI): plain lines for starts, steps and counts, and no live line", () => {
    let r = applyProgress(null, { kind: "track", track: track("build", "running") }, 0, plain);
    expect(r.lines).toEqual(["▸ build    running   Build MVP"]);
    r = applyProgress(r.running, { kind: "step", track: "build", step: "tsup" }, 5, plain);
    expect(r.lines).toEqual(["  build    · tsup"]);
    r = applyProgress(r.running, { kind: "step", track: "build", step: "suite x", tests: { passed: 3, failed: 0, skipped: 2 } }, 5, plain);
    expect(r.lines).toEqual(["  build    · suite x — 3 passed, 2 skipped so far"]);
    r = applyProgress(r.running, { kind: "step", track: "build", step: "suite y", tests: { passed: 0, failed: 0, skipped: 0 } }, 5, plain);
    expect(r.lines).toEqual(["  build    · suite y"]);
  });

  it("ignores a step from a track that is not the one running", () => {
    const running: Running = { id: "test", since: 0, step: null, tests: null };
    expect(applyProgress(running, { kind: "step", track: "build", step: "late" }, 1, plain)).toEqual({ running, lines: [] });
    expect(applyProgress(null, { kind: "step", track: "build", step: "late" }, 1, plain)).toEqual({ running: null, lines: [] });
  });

  it("never lets the live line wrap, counting characters not bytes", () => {
    const running: Running = { id: "test", since: 0, step: "suite ".padEnd(200, "x"), tests: null };
    const line = liveLine(running, 0, { ...tty, columns: 40 });
    expect([...line].length).toBe(39);
    expect(line.endsWith("…")).toBe(true);
  });

  it("colours the marks only when asked", () => {
    const coloured = applyProgress(null, { kind: "track", track: track("ssot", "failed", 3) }, 0, { ...tty, color: true }).lines[0];
    expect(coloured).toBe("\u001b[31m✖\u001b[39m ssot     failed   3 ms  Read SSOT");
    expect(applyProgress(null, { kind: "track", track: track("ssot", "failed", 3) }, 0, tty).lines[0]).not.toContain("\u001b");
  });
});

describe("progress — the reporter on a fake terminal", () => {
  it("redraws one live line in place and leaves only the settled lines on screen", () => {
    const term = fakeTerminal(true);
    let now = 0;
    const { io, stdout } = ioWith(term.stream);
    const p = progressReporter(io, { now: () => now, tickMs: 60_000 });
    p.track(track("ssot", "running"));
    now = 12;
    p.track(track("ssot", "passed", 12));
    p.track(track("test", "running"));
    expect(term.screen()).toEqual(["✔ ssot     passed   12 ms  Read SSOT", "▸ test     0:00  Run tests"]);
    now = 65_012;
    p.step({ track: "test", step: "suite @macro/inspector", tests: { passed: 40, failed: 0, skipped: 0 } });
    expect(term.screen().at(-1)).toBe("▸ test     1:05  Run tests · suite @macro/inspector · 40 passed");
    p.stop();
    expect(term.screen()).toEqual(["✔ ssot     passed   12 ms  Read SSOT", ""]);
    p.stop();
    expect(stdout).toEqual([]);
  });

  it("a terminal that reports 0 columns still gets a readable live line", () => {
    const term = fakeTerminal(true, 0);
    const p = progressReporter(ioWith(term.stream, { env: { NO_COLOR: "1" } }).io, { now: () => 0, tickMs: 60_000 });
    p.track(track("test", "running"));
    expect(term.screen().at(-1)).toBe("▸ test     0:00  Run tests");
    p.stop();
  });

  it("the live line's clock moves between events", async () => {
    const term = fakeTerminal(true);
    let now = 0;
    const p = progressReporter(ioWith(term.stream).io, { now: () => now, tickMs: 5 });
    p.track(track("test", "running"));
    now = 3_000;
    await new Promise((r) => setTimeout(r, 30));
    expect(term.screen().at(-1)).toBe("▸ test     0:03  Run tests");
    p.stop();
  });

  it("writes plain lines and no escape codes into a pipe, and nothing at all with --quiet", () => {
    const pipe = fakeTerminal(false);
    const p = progressReporter(ioWith(pipe.stream).io, { now: () => 0, tickMs: 5 });
    p.track(track("test", "running"));
    p.step({ track: "test", step: "suite a" });
    p.track(track("test", "blocked", 1));
    p.stop();
    expect(pipe.writes.join("")).toBe("▸ test     running   Run tests\n  test     · suite a\n■ test     blocked  1 ms  Run tests\n");

    const quiet = fakeTerminal(true);
    const q = progressReporter(ioWith(quiet.stream, { quiet: true }).io);
    q.track(track("test", "running"));
    q.track(track("test", "passed", 1));
    q.stop();
    expect(quiet.writes).toEqual([]);
  });

  it("no colour on a terminal when NO_COLOR is set", () => {
    const term = fakeTerminal(true);
    const p = progressReporter(ioWith(term.stream, { env: { NO_COLOR: "1", TERM: "xterm" } }).io, { now: () => 0, tickMs: 60_000 });
    p.track(track("ssot", "passed", 1));
    p.track(track("test", "running"));
    p.stop();
    expect(term.writes.join("").replaceAll("\r\u001b[2K", "")).not.toContain("\u001b");
  });
});
