import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Fact, LoadedSsot } from "@macro/ssot";
import { trustedKeys, verifyBundleFile } from "./verify.ts";

/** The bundle that stands in for B4′, as the machine's venue track records it. */
export interface OperatorBundleRef {
  path: string;
  sha256: string;
  venueId: string;
}

/** What `macro attest` writes for an operator (a variant run has a suffix and never counts). */
const OPERATOR_BUNDLE = /^sandbox-attestation-evidence-([A-Z][A-Z0-9_-]*?)-(\d{4}-\d{2}-\d{2})\.json$/;
const MAX_EXAMINED = 5;

/**
 * The seed's operator path: where this venue cannot run the sandbox, an operator attests on an
 * approved venue and returns the bundle to reports/. The newest bundle that verifies read-only
 * (digests, venue, freshness, every probe recomputed, signature when required) and that no run
 * of ours produced (runId null) stands in for the missing execution surface at B4′.
 */
export async function findOperatorBundle(loaded: LoadedSsot, reportsDir: string, cwd: string, now: Date): Promise<{ bundle: OperatorBundleRef | null; facts: Fact[] }> {
  const names = (await readdir(reportsDir).catch(() => [] as string[])).filter((n) => OPERATOR_BUNDLE.test(n));
  const newest = names.sort((a, b) => (OPERATOR_BUNDLE.exec(b)?.[2] ?? "").localeCompare(OPERATOR_BUNDLE.exec(a)?.[2] ?? "") || a.localeCompare(b)).slice(0, MAX_EXAMINED);
  const keys = newest.length === 0 ? [] : await trustedKeys(loaded, []);
  const facts: Fact[] = [];
  for (const name of newest) {
    const path = join(reportsDir, name);
    const verdict = await verifyBundleFile(loaded, path, keys, now);
    const rel = relative(cwd, path);
    const operator = verdict.statement?.predicate.runId === null;
    const accepted = verdict.accepted && operator && verdict.venueId !== null;
    facts.push({
      id: `operatorBundle.${name}`,
      value: accepted ? `accepted (venue ${verdict.venueId})` : `not accepted: ${operator ? verdict.reasons.map((r) => r.code).join(", ") : "produced by a macro run, not by an operator"}`,
      source: `verifyAttestationBundle(${rel}) read-only`,
      observedAt: now.toISOString(),
    });
    if (accepted && verdict.venueId !== null) return { bundle: { path: rel, sha256: verdict.bundleSha256, venueId: verdict.venueId }, facts };
  }
  return { bundle: null, facts };
}
