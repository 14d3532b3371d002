import { readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import * as z from "zod";
import type { MacroOutput } from "@macro/machine";
import type { TrackId, TrackStatus } from "@macro/ssot";
import type { Io } from "./io.ts";
import type { RunSummary } from "./run-macro.ts";

/** What a run established, for the terminal and `--json` alike: the facts a reader checks first. */
export interface RunDetails {
  venue: { id: string | null; title: string | null; class: string } | null;
  /** The B4′ bundle this run relied on; `signers` empty when it is an unsigned Statement, null when unreadable. */
  attestation: { path: string; sha256: string; origin: string; signers: string[] | null } | null;
  tracks: { id: TrackId; status: TrackStatus; durationMs: number | null }[];
  tests: { passed: number; failed: number; skipped: number } | null;
  rows: { bound: number; total: number; byStatus: Record<string, number> } | null;
}

const Envelope = z.object({ signatures: z.array(z.object({ keyid: z.string() })).min(1) });

/** Who signed a DSSE bundle, read back from the file the run recorded. */
async function signersOf(path: string): Promise<string[] | null> {
  try {
    const parsed = Envelope.safeParse(JSON.parse(await readFile(path, "utf8")));
    return parsed.success ? parsed.data.signatures.map((s) => s.keyid) : [];
  } catch {
    return null;
  }
}

export async function runDetails(output: MacroOutput, cwd: string): Promise<RunDetails> {
  const { venue, attest, test, bind } = output.outputs;
  const bundle = attest?.evidence.find((e) => e.id === "attestation");
  const byStatus: Record<string, number> = {};
  for (const row of bind?.rows ?? []) byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
  return {
    venue: venue === undefined ? null : { id: venue.verdict.venueId, title: venue.verdict.title, class: venue.verdict.class },
    attestation:
      bundle === undefined
        ? null
        : { path: bundle.path, sha256: bundle.sha256, origin: bundle.origin, signers: await signersOf(isAbsolute(bundle.path) ? bundle.path : join(cwd, bundle.path)) },
    tracks: output.tracks.map((t) => ({ id: t.id, status: t.status, durationMs: t.durationMs })),
    tests: test === undefined ? null : { passed: test.passed, failed: test.failed, skipped: test.skipped },
    rows: bind === undefined || !bind.matrixPresent ? null : { bound: byStatus.BOUND_PASS ?? 0, total: bind.rows.length, byStatus },
  };
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return "";
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

const MARK: Record<string, string> = { passed: "✔", failed: "✖", blocked: "■", "not-run": "·", running: "▸", pending: "·" };

/** The closed run's account: what was proved, where it is kept, and the command that re-checks it. */
function closedLines(summary: RunSummary): string[] {
  const d = summary.details;
  const lines = ["CLOSED — every track passed with evidence."];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(12)} ${value}`);
  if (d.venue !== null) row("venue", `${d.venue.id ?? "?"}${d.venue.title === null ? "" : ` (${d.venue.title})`}`);
  if (d.attestation !== null) {
    const a = d.attestation;
    const signed = a.signers === null ? "signature unreadable" : a.signers.length === 0 ? "unsigned" : `signed by ${a.signers.join(", ")}`;
    row("attestation", a.path);
    row("", `sha256 ${a.sha256} · ${signed}${a.origin === "verified-read-only" ? " · returned by the operator" : ""}`);
  }
  row("steps", d.tracks.map((t) => `${MARK[t.status] ?? "?"} ${t.id}${t.durationMs === null ? "" : ` ${formatDuration(t.durationMs)}`}`).join("  "));
  if (d.tests !== null) row("tests", `${d.tests.passed} passed, ${d.tests.failed} failed, ${d.tests.skipped} skipped`);
  if (d.rows !== null) {
    const other = Object.entries(d.rows.byStatus).filter(([s]) => s !== "BOUND_PASS");
    row("rows bound", `${d.rows.bound}/${d.rows.total}${other.length === 0 ? "" : ` (${other.map(([s, n]) => `${n} ${s}`).join(", ")})`}`);
  }
  row("record", summary.record);
  row("log", summary.log);
  // The record, not the bundle: only the record carries the run's key, so only it verifies the whole run.
  row("verify", `pnpm macro verify ${summary.record}`);
  return lines;
}

/** The result as people read it; `printSummary` writes it, tests read it directly. */
export function formatSummary(summary: RunSummary): string {
  if (summary.status === "closed") return `${closedLines(summary).join("\n")}\n`;
  if (summary.status === "blocked" && summary.blocker !== null && summary.packet !== null) {
    return (
      `BLOCKED at ${summary.blocker.track} by ${summary.blocker.id} (${summary.blocker.class.join(", ")})\n` +
      `  why:    ${summary.blocker.reason}\n  packet: ${summary.packet.markdown}\n  json:   ${summary.packet.json}\n` +
      (summary.packet.operator === null ? "" : `  operator runbook: ${summary.packet.operator}\n`)
    );
  }
  return `ABORTED by an internal defect: ${summary.error ?? "unknown"}\n  log: ${summary.log}\n`;
}

/** What `run` and `resume` print: the result for people, or the summary as one JSON document. */
export function printSummary(io: Io, summary: RunSummary, json: boolean): void {
  io.stdout.write(json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
}
