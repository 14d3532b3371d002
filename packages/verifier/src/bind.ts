export const BINDING_STATUSES = ["BOUND_PASS", "FAILED", "BLOCKED", "NOT_RUN", "WAIVED", "STALE"] as const;
export type BindingStatus = (typeof BINDING_STATUSES)[number];

export interface MatrixRowRef {
  /** Exact row id, e.g. "#25"; compared with ===, never by prefix. */
  id: string;
  track: string;
  /** Test ids the row requires; every one needs passing evidence (ALL, never ANY). */
  tests: string[];
}

export type EvidenceStatus = "PASS" | "FAIL" | "BLOCKED" | "STALE" | "WAIVED";

export interface RowEvidence {
  rowId: string;
  status: EvidenceStatus;
  /** The test this evidence is for; omitted means it speaks for every test of the row. */
  test?: string;
  /** For BLOCKED: the blocker id. */
  blockedBy?: string;
  /** For WAIVED: the exact row ids the waiver covers. A waiver for other rows waives nothing here. */
  waiverScope?: string[];
}

export interface RowBinding {
  id: string;
  status: BindingStatus;
  blockedBy: string[];
  /** Why the row is not BOUND_PASS, in words; empty when it is. */
  notes: string[];
}

/**
 * Binds every matrix row to its evidence by exact id. Precedence, worst first: a FAIL,
 * then BLOCKED, then a waiver scoped to the row, then per required test: STALE when only stale
 * evidence exists, NOT_RUN when none does. Duplicates are all read, so one FAIL among many
 * PASS fails the row.
 */
export function bindRows(rows: readonly MatrixRowRef[], evidence: readonly RowEvidence[]): RowBinding[] {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.id, (counts.get(row.id) ?? 0) + 1);
  return rows.map((row) => {
    if ((counts.get(row.id) ?? 0) > 1) return failed(row.id, `row ${row.id} appears more than once in the matrix`);
    if (row.tests.length === 0) return failed(row.id, `row ${row.id} requires no test, so nothing can prove it`);
    const items = evidence.filter((item) => item.rowId === row.id);
    const fails = items.filter((item) => item.status === "FAIL");
    if (fails.length > 0) return failed(row.id, `${fails.length} failing evidence item(s)`);
    const blocked = items.filter((item) => item.status === "BLOCKED");
    if (blocked.length > 0) {
      const by = [...new Set(blocked.map((item) => item.blockedBy ?? "unknown blocker"))];
      return { id: row.id, status: "BLOCKED", blockedBy: by, notes: [`blocked by ${by.join(", ")}`] };
    }
    const waivers = items.filter((item) => item.status === "WAIVED");
    if (waivers.some((item) => item.waiverScope?.includes(row.id) === true)) {
      return { id: row.id, status: "WAIVED", blockedBy: [], notes: ["waived by a waiver scoped to this row"] };
    }
    const notes = waivers.length > 0 ? ["a waiver was given but its scope does not name this row"] : [];
    const forTest = (test: string) => items.filter((item) => item.test === undefined || item.test === test);
    const missing = row.tests.filter((test) => !forTest(test).some((item) => item.status === "PASS"));
    if (missing.length === 0) return { id: row.id, status: "BOUND_PASS", blockedBy: [], notes: [] };
    const stale = missing.filter((test) => forTest(test).some((item) => item.status === "STALE"));
    const absent = missing.filter((test) => !stale.includes(test));
    if (absent.length > 0) {
      return { id: row.id, status: "NOT_RUN", blockedBy: [], notes: [...notes, `no evidence for ${absent.join(", ")}`] };
    }
    return { id: row.id, status: "STALE", blockedBy: [], notes: [...notes, `only stale evidence for ${stale.join(", ")}`] };
  });
}

function failed(id: string, note: string): RowBinding {
  return { id, status: "FAILED", blockedBy: [], notes: [note] };
}

/** Green only when there are rows and every one is BOUND_PASS or WAIVED. */
export function bindingIsGreen(bindings: readonly RowBinding[]): boolean {
  return bindings.length > 0 && bindings.every((b) => b.status === "BOUND_PASS" || b.status === "WAIVED");
}

/** Evidence naming a row the matrix does not have (e.g. "#250" when only "#25" exists). */
export function orphanEvidence(rows: readonly MatrixRowRef[], evidence: readonly RowEvidence[]): RowEvidence[] {
  const ids = new Set(rows.map((row) => row.id));
  return evidence.filter((item) => !ids.has(item.rowId));
}
