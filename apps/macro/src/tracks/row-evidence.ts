import { join } from "node:path";
import { digestFile } from "@macro/report";
import { orInputError, readInput, rowTags, type EvidenceRef, type MatrixRow } from "@macro/ssot";
import { attestationRowEvidence, type RowEvidence } from "@macro/verifier";
import { trustedKeys, verifyBundleFile } from "@macro/attest";
import { TestResultStatement } from "../mvp/test-results.ts";
import type { TrackDeps } from "./deps.ts";

/**
 * Row evidence is read back from the files the earlier tracks recorded, never from their
 * in-memory claims: a file whose bytes changed since it was recorded makes its rows STALE, the
 * attestation is re-verified, and a test result counts only if it is about the bundle this run
 * built (its subject digest), so evidence about some other artifact binds nothing.
 */
export async function rowEvidenceFrom(deps: TrackDeps, rows: MatrixRow[], evidence: EvidenceRef[]): Promise<RowEvidence[]> {
  const out: RowEvidence[] = [];
  const byId = (id: string) => evidence.find((e) => e.id === id);
  const stale = (track: string) => rows.filter((r) => r.track === track).map((r): RowEvidence => ({ rowId: r.id, status: "STALE" }));

  const attestation = byId("attestation");
  if (attestation !== undefined) {
    const path = join(deps.paths.cwd, attestation.path);
    if ((await digestFile(path)).sha256 !== attestation.sha256) {
      out.push(...stale("attest"));
    } else {
      const verdict = await verifyBundleFile(deps.loaded, path, await trustedKeys(deps.loaded, []), deps.now());
      out.push(...attestationRowEvidence(rows, verdict, "B4′"));
    }
  }

  const results = byId("test-results");
  const bundle = byId("mvp-bundle");
  if (results !== undefined && bundle !== undefined) {
    const path = join(deps.paths.cwd, results.path);
    const bytes = Buffer.from(orInputError(await readInput(path, { kind: "evidence", noSymlink: true })));
    if ((await digestFile(path)).sha256 !== results.sha256) {
      out.push(...stale("test"));
    } else {
      for (const line of bytes.toString("utf8").split("\n").filter((l) => l !== "")) {
        const statement = TestResultStatement.safeParse(JSON.parse(line));
        if (!statement.success || !statement.data.subject.some((s) => s.digest.sha256 === bundle.sha256)) continue;
        const { passedTests, failedTests } = statement.data.predicate;
        for (const name of passedTests) out.push(...testEvidence(rows, name, "PASS"));
        for (const name of failedTests) out.push(...testEvidence(rows, name, "FAIL"));
      }
    }
  }
  return out;
}

/**
 * A test result speaks for a row only through the row's tag in its name (exact id: #25 never
 * binds #250) and for the matrix test entries its name contains; a failure speaks against the
 * tagged row even when it matches no entry.
 */
function testEvidence(rows: MatrixRow[], name: string, status: "PASS" | "FAIL"): RowEvidence[] {
  return rowTags(name).flatMap((tag): RowEvidence[] => {
    const row = rows.find((r) => r.id === tag);
    if (row === undefined) return [];
    const entries = row.tests.filter((entry) => name.includes(entry));
    if (entries.length === 0) return status === "FAIL" ? [{ rowId: tag, status }] : [];
    return entries.map((test) => ({ rowId: tag, test, status }));
  });
}
