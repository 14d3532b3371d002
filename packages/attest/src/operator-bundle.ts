import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Fact, LoadedSsot } from "@macro/ssot";
import { readSandboxFiles, sandboxPaths } from "./files.ts";
import { trustedKeys, verifyBundleFile, type FileVerdict } from "./verify.ts";

/** The bundle that stands in for B4′, as the machine's venue track records it. */
export interface OperatorBundleRef {
  path: string;
  sha256: string;
  venueId: string;
}

/** How many files of reports/ are judged at most; past that the run says so rather than guess. */
export const MAX_EXAMINED = 2000;
const SIGNATURE_CODES = new Set(["SIGNATURE_INVALID", "UNAUTHENTICATED", "ENVELOPE_EXTRA_FIELDS", "PAYLOAD_TYPE"]);

/**
 * The seed's operator path: where this venue cannot run the sandbox, an operator attests on an
 * approved venue and returns the bundle to reports/. Bundles are found by CONTENT, never by name:
 * every JSON file in reports/ is verified read-only (signature under a key the SSOT trusts,
 * digests, venue, freshness, every probe recomputed) and of those made outside any run, the one
 * attested last (its signed attestedAt) stands in for the missing execution surface at B4′.
 */
export async function findOperatorBundle(loaded: LoadedSsot, reportsDir: string, cwd: string, now: Date): Promise<{ bundle: OperatorBundleRef | null; facts: Fact[] }> {
  const entries = await readdir(reportsDir, { withFileTypes: true }).catch(() => []);
  const names = entries.filter((e) => e.isFile() && e.name.endsWith(".json")).map((e) => e.name).sort();
  const facts: Fact[] = [];
  const at = now.toISOString();
  if (names.length > MAX_EXAMINED) {
    facts.push({ id: "operatorBundle.examined", value: `only ${MAX_EXAMINED} of ${names.length} JSON files in reports/ were examined`, source: "findOperatorBundle", observedAt: at });
  }
  const examined = names.slice(0, MAX_EXAMINED);
  if (examined.length === 0) return { bundle: null, facts };
  const [keys, files] = await Promise.all([trustedKeys(loaded, []), readSandboxFiles(sandboxPaths(loaded))]);
  let best: { ref: OperatorBundleRef; attestedAt: number } | null = null;
  for (const name of examined) {
    const path = join(reportsDir, name);
    const verdict = await verifyBundleFile(loaded, path, keys, now, { kind: "operator" }, files);
    if (!looksLikeBundle(name, verdict)) continue;
    const rel = relative(cwd, path);
    facts.push({
      id: `operatorBundle.${name}`,
      value: verdict.accepted ? `accepted (venue ${verdict.venueId}, attested ${verdict.statement?.predicate.attestedAt})` : `not accepted: ${verdict.reasons.map((r) => r.code).join(", ")}`,
      source: `verifyAttestationBundle(${rel}) read-only`,
      observedAt: at,
    });
    const p = verdict.statement?.predicate;
    if (!verdict.accepted || p === undefined || verdict.venueId === null) continue;
    const attestedAt = Date.parse(p.attestedAt);
    if (best === null || attestedAt > best.attestedAt) best = { ref: { path: rel, sha256: verdict.bundleSha256, venueId: verdict.venueId }, attestedAt };
  }
  return { bundle: best?.ref ?? null, facts };
}

/** Packets, run records and the like are not bundles: only files that claim to be one get a fact. */
function looksLikeBundle(name: string, verdict: FileVerdict): boolean {
  return name.startsWith("sandbox-attestation-evidence-") || verdict.statement !== null || verdict.reasons.some((r) => SIGNATURE_CODES.has(r.code) && r.code !== "UNAUTHENTICATED");
}
