import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { digestFile } from "@macro/report";
import { rowTags, type EvidenceRef, type MatrixRow } from "@macro/ssot";
import { attestationRowEvidence, type RowEvidence } from "@macro/verifier";
import { trustedKeys, verifyBundleFile } from "../attest/verify.ts";
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
    const bytes = await readFile(path);
    if ((await digestFile(path)).sha256 !== results.sha256) {
      out.push(...stale("test"));
    } else {
      for (const line of bytes.toString("utf8").split("\n").filter((l) => l !== "")) {
        const statement = TestResultStatement.safeParse(JSON.parse(line));
        if (!statement.success || !statement.data.subject.some((s) => s.digest.sha256 === bundle.sha256)) continue;
        const { passedTests, failedTests } = statement.data.predicate;
        for (const name of passedTests) for (const tag of rowTags(name)) out.push({ rowId: tag, test: `[${tag}]`, status: "PASS" });
        for (const name of failedTests) for (const tag of rowTags(name)) out.push({ rowId: tag, test: `[${tag}]`, status: "FAIL" });
      }
    }
  }
  return out;
}
