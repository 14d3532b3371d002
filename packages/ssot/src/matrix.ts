import { resolve } from "node:path";
import * as z from "./zod.ts";
import { err, ok, type Result } from "./errors.ts";
import { zodIssues, type SsotIssue } from "./load.ts";
import { readYamlFile } from "./yaml-file.ts";

/** The acceptance matrix has exactly these rows; #24–#37 are the sandbox rows, bound to probes. */
export const MATRIX_ROW_COUNT = 45;
export const SANDBOX_ROWS = { first: 24, last: 37 } as const;
export const MATRIX_MAX_BYTES = 512 * 1024;

export const matrixRowId = (n: number): string => `#${String(n).padStart(2, "0")}`;
export const MATRIX_ROW_IDS: readonly string[] = Array.from({ length: MATRIX_ROW_COUNT }, (_, i) => matrixRowId(i + 1));

export function isSandboxRow(id: string): boolean {
  const n = Number(id.slice(1));
  return n >= SANDBOX_ROWS.first && n <= SANDBOX_ROWS.last;
}

/** `[#NN]` tags in a test name or source text, in order of appearance (duplicates kept). */
export function rowTags(text: string): string[] {
  return [...text.matchAll(/\[(#\d{2,})\]/g)].map((m) => m[1] ?? "");
}

export const MatrixRow = z.strictObject({
  id: z.string().regex(/^#\d{2}$/, "row ids look like #07"),
  requirement: z.string().min(1),
  kind: z.enum(["acceptance", "negative"]),
  /** The track whose evidence proves the row: sandbox rows by attestation, the rest by tests. */
  track: z.enum(["attest", "test"]),
  /** Where the requirement is enforced in code: a real file and function. */
  enforcement: z.strictObject({ file: z.string().min(1), function: z.string().min(1) }),
  /** Probe ids for sandbox rows; otherwise test names (or fragments of them) carrying the row tag. */
  tests: z.array(z.string().min(1)).min(1, "a row without a test proves nothing"),
});
export type MatrixRow = z.infer<typeof MatrixRow>;

export const AcceptanceMatrix = z.strictObject({
  version: z.literal(1),
  rows: z.array(MatrixRow),
});
export type AcceptanceMatrix = z.infer<typeof AcceptanceMatrix>;

export type MatrixLoadErrorCode = "MATRIX_NOT_FOUND" | "MATRIX_UNREADABLE" | "MATRIX_TOO_LARGE" | "MATRIX_YAML" | "MATRIX_INVALID";
export interface MatrixLoadError {
  code: MatrixLoadErrorCode;
  file: string;
  message: string;
  issues: SsotIssue[];
}

/** The rules a schema cannot say: exactly #01..#45 once each, sandbox rows on the attest track. */
function matrixIssues(matrix: AcceptanceMatrix): SsotIssue[] {
  const issues: SsotIssue[] = [];
  const seen = new Map<string, number>();
  matrix.rows.forEach((row, i) => {
    const first = seen.get(row.id);
    if (first !== undefined) {
      issues.push({ path: `rows[${i}].id`, message: `duplicate row ${row.id} (first at rows[${first}])` });
      return;
    }
    seen.set(row.id, i);
    if (!MATRIX_ROW_IDS.includes(row.id)) {
      issues.push({ path: `rows[${i}].id`, message: `${row.id} is not a row of the matrix (#01..#${MATRIX_ROW_COUNT})` });
      return;
    }
    const track = isSandboxRow(row.id) ? "attest" : "test";
    if (row.track !== track) {
      issues.push({ path: `rows[${i}].track`, message: `row ${row.id} belongs to track "${track}", not "${row.track}"` });
    }
    const tests = new Set<string>();
    row.tests.forEach((test, j) => {
      if (tests.has(test)) issues.push({ path: `rows[${i}].tests[${j}]`, message: `test "${test}" is listed twice` });
      tests.add(test);
    });
  });
  const missing = MATRIX_ROW_IDS.filter((id) => !seen.has(id));
  if (missing.length > 0) issues.push({ path: "rows", message: `missing rows: ${missing.join(", ")}` });
  return issues;
}

export function parseMatrix(data: unknown, file: string): Result<AcceptanceMatrix, MatrixLoadError> {
  const parsed = AcceptanceMatrix.safeParse(data);
  const issues = parsed.success ? matrixIssues(parsed.data) : zodIssues(parsed.error);
  if (parsed.success && issues.length === 0) return ok(parsed.data);
  return err({
    code: "MATRIX_INVALID",
    file,
    message: `${file} is not a valid acceptance matrix (${issues.length} issue${issues.length === 1 ? "" : "s"})`,
    issues,
  });
}

/** Reads and validates the acceptance matrix; every problem comes back as a value naming the file. */
export async function loadMatrix(path: string): Promise<Result<AcceptanceMatrix, MatrixLoadError>> {
  // The matrix has no use for anchors; a small alias budget keeps bombs out.
  const read = await readYamlFile(resolve(path), path, { maxBytes: MATRIX_MAX_BYTES, maxAliases: 10, maxNodes: 20_000, maxExpandedBytes: 2 * MATRIX_MAX_BYTES }, "matrix");
  if (!read.ok) {
    const code: MatrixLoadErrorCode = read.error.kind === "ALIAS_BOMB" ? "MATRIX_YAML" : `MATRIX_${read.error.kind}`;
    return err({ code, file: path, message: read.error.message, issues: read.error.issues });
  }
  return parseMatrix(read.value.data, path);
}
