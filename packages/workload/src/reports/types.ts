import type { ReportFormat } from "@macro/ssot";

export type { ReportFormat };

export type CaseStatus = "passed" | "failed" | "skipped";

export interface ReportedCase {
  /** The full name as the runner reports it (describe path + title); row tags are read from it. */
  name: string;
  /** The test file the case came from, as the runner names it, when the format says. */
  file: string | null;
  status: CaseStatus;
}

export interface ParsedReport {
  format: ReportFormat;
  cases: ReportedCase[];
  /** Every test file the report names, including files that failed to load and have no case. */
  files: string[];
  /** Files the runner could not load or run: each is a failure with no case behind it. */
  brokenFiles: { file: string; message: string }[];
  /** What the report says of the whole run, where the format says it; null when it does not. */
  claimsSuccess: boolean | null;
  /** When the runner says the run started (ms since the epoch), where the format carries it. */
  startedAtMs: number | null;
}

/**
 * A name that looks like a source file. Reports that carry no file attribute name a file's tests
 * by a suite (JUnit) or a top-level subtest (TAP, as node --test writes it) with the file's path.
 */
export const SCRIPT_FILE = /\.[cm]?[jt]sx?$/;
