import { join, relative, resolve } from "node:path";
import type { AttestOutput, TrackInput } from "@macro/machine";
import type { Fact } from "@macro/ssot";
import { attestSandbox, readKey, trustedKeys, verifyBundleFile } from "@macro/attest";
import { digestFile, ensureDir, writeFileOnce } from "@macro/report";
import type { TrackDeps } from "./deps.ts";

const KEY_FACTS = new Set(["platform", "arch", "ci.isCI", "ci.name", "venue.class", "venue.id", "host.hostId"]);

/**
 * B4′ inside the run: attest the sandbox on this venue, bound to this run id, then verify the
 * bundle that was just written exactly as an operator's would be verified — read back from disk.
 */
export async function runAttest(deps: TrackDeps, { input, signal }: { input: TrackInput; signal: AbortSignal }): Promise<AttestOutput> {
  const mark = deps.recorder.entries.length;
  const verdict = input.outputs.venue?.verdict;
  const at = () => deps.now().toISOString();
  const base = { capability: "built" as const, evidence: [], facts: [] as Fact[] };
  if (verdict === undefined || verdict.venueId === null) {
    return { ...base, ok: false, reason: "no approved venue was recorded before B4′", sideEffects: [] };
  }
  const operatorBundle = input.outputs.venue?.operatorBundle ?? null;
  if (!verdict.executionSurface && operatorBundle !== null) return acceptOperatorBundle(deps, operatorBundle);
  const signingKey = deps.loaded.ssot.sandbox.signing.signingKey;
  const result = await attestSandbox({
    loaded: deps.loaded,
    reportsDir: deps.paths.reportsDir,
    env: deps.env,
    recorder: deps.recorder,
    venue: { id: verdict.venueId, class: verdict.class, facts: input.facts.filter((f) => KEY_FACTS.has(f.id)) },
    runId: input.runId,
    variant: null,
    signingKeyPem: await readKey(signingKey === null ? null : resolve(deps.loaded.dir, signingKey)),
    runKeyPem: deps.runKey.privateKeyPem,
    now: deps.now,
    signal,
  });
  if (!result.ok) {
    return { ...base, ok: false, reason: `B4′ could not measure the sandbox: ${result.error.code}: ${result.error.message}`, sideEffects: deps.recorder.since(mark) };
  }
  const attestation = result.value;
  const runKey = await recordRunKey(deps, input.runId);
  const origin = { kind: "run" as const, runId: input.runId, runPublicKeyPem: deps.runKey.publicKeyPem, imageId: attestation.imageId };
  const checked = await verifyBundleFile(deps.loaded, attestation.bundlePath, await trustedKeys(deps.loaded, []), deps.now(), origin);
  const path = relative(deps.paths.cwd, attestation.bundlePath);
  const failing = attestation.judgement.probes.filter((p) => p.verdict !== "PASS");
  const facts: Fact[] = [
    { id: "attest.bundle", value: path, source: "macro run (B4′)", observedAt: at() },
    { id: "attest.verdict", value: attestation.statement.predicate.verdict, source: `${path}: predicate.verdict (recomputed)`, observedAt: at() },
    { id: "attest.image", value: attestation.statement.predicate.image.ref, source: `${path}: predicate.image`, observedAt: at() },
    ...failing.map((p) => ({ id: `probe.${p.id}`, value: `${p.verdict}: ${p.mismatches.map((m) => `${m.key} expected ${JSON.stringify(m.expected)} got ${JSON.stringify(m.actual)}`).join("; ")}`, source: path, observedAt: at() })),
    ...checked.reasons.map((r) => ({ id: `verify.${r.code}`, value: r.message, source: `verifyAttestationBundle(${path})`, observedAt: at() })),
  ];
  const ok = attestation.attested && checked.accepted;
  return {
    capability: "built",
    ok,
    reason: ok
      ? `all ${attestation.judgement.probes.length} probes PASS in one throwaway container; bundle verified read-only`
      : `attestation not verified: ${[...failing.map((p) => `${p.id} ${p.verdict}`), ...checked.reasons.map((r) => r.code)].join(", ")}`,
    facts,
    evidence: [
      { id: "attestation", path, sha256: attestation.bundleSha256, bytes: attestation.bundleBytes, track: "attest", origin: "produced", createdAt: at() },
      { ...runKey, track: "attest", origin: "produced", createdAt: at() },
    ],
    sideEffects: deps.recorder.since(mark),
  };
}

/**
 * The run key's public half, written once under the run's folder and named by its key id: the
 * in-run attestation is checked against it later, and the run record pins its digest.
 */
async function recordRunKey(deps: TrackDeps, runId: string): Promise<{ id: "run-key"; path: string; sha256: string; bytes: number }> {
  const dir = join(deps.paths.reportsDir, "runs", runId);
  await ensureDir(dir);
  const file = join(dir, `run-key-${deps.runKey.keyid.slice(0, 16)}.pub`);
  await writeFileOnce(file, deps.runKey.publicKeyPem);
  const digest = await digestFile(file);
  return { id: "run-key", path: relative(deps.paths.cwd, file), sha256: digest.sha256, bytes: digest.bytes };
}

/**
 * No engine here, but an operator attested an approved venue and returned the bundle: B4′ is
 * accepted read-only from it (verified again now, and pinned by the digest the venue track saw).
 */
async function acceptOperatorBundle(deps: TrackDeps, bundle: { path: string; sha256: string; venueId: string }): Promise<AttestOutput> {
  const at = deps.now().toISOString();
  const abs = join(deps.paths.cwd, bundle.path);
  const digest = await digestFile(abs);
  const checked = await verifyBundleFile(deps.loaded, abs, await trustedKeys(deps.loaded, []), deps.now(), { kind: "operator" });
  const same = digest.sha256 === bundle.sha256;
  const ok = same && checked.accepted;
  const macLocal = deps.loaded.ssot.venues.rejected.some((v) => v.id === bundle.venueId);
  return {
    capability: "built",
    ok,
    reason: ok
      ? `operator bundle ${bundle.path} from venue ${bundle.venueId} verified read-only: every probe PASS`
      : `operator bundle ${bundle.path} no longer verifies: ${same ? checked.reasons.map((r) => r.code).join(", ") : "its bytes changed since the venue track saw them"}`,
    facts: [
      { id: "attest.operatorBundle", value: bundle.path, source: "reports/ (returned by the operator)", observedAt: at },
      { id: "attest.operatorBundle.sha256", value: digest.sha256, source: `sha256 of ${bundle.path}`, observedAt: at },
      ...checked.reasons.map((r) => ({ id: `verify.${r.code}`, value: r.message, source: `verifyAttestationBundle(${bundle.path})`, observedAt: at })),
    ],
    evidence: ok ? [{ id: "attestation", path: bundle.path, sha256: digest.sha256, bytes: digest.bytes, track: "attest", origin: "verified-read-only", createdAt: at }] : [],
    sideEffects: [{ kind: "evidence-used", detail: `operator bundle ${bundle.path}`, at, venueId: bundle.venueId, macLocal }],
  };
}
