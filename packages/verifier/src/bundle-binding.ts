import { SANDBOX_SUBJECTS, type SandboxAttestationPredicate } from "@macro/ssot";
import { reason, type Reason } from "./reason.ts";

/**
 * Where a bundle came from, which decides what it must be bound to:
 * - operator: made outside any run (runId null), counted only under a key the SSOT trusts;
 * - run: made by run `runId` on this machine; the run's ephemeral key counts, but only for a
 *   statement bound to that run, and the image must be the one the run itself built.
 */
export type BundleOrigin =
  | { kind: "operator" }
  | { kind: "run"; runId: string; runPublicKeyPem: string | null; imageId: string | null };

const KNOWN_SUBJECTS = new Set<string>(Object.values(SANDBOX_SUBJECTS));

/**
 * The subject list as written, before any schema strips or tolerates something: every subject
 * must be one the verifier checks, and every digest sha256 alone. Extra subjects and extra
 * algorithms are refused: a consumer that ignores them lets a bundle claim what nobody checked.
 */
export function checkSubjectShape(raw: unknown): Reason[] {
  if (!Array.isArray(raw)) return [];
  const reasons: Reason[] = [];
  for (const [i, subject] of raw.entries()) {
    if (typeof subject !== "object" || subject === null) continue;
    const { name, digest, ...rest } = subject as Record<string, unknown>;
    if (typeof name === "string" && !KNOWN_SUBJECTS.has(name)) {
      reasons.push(reason("SUBJECT_EXTRA", `subject ${JSON.stringify(name)} is not one of ${[...KNOWN_SUBJECTS].join(", ")}`, `subject[${i}]`));
    }
    if (Object.keys(rest).length > 0) {
      reasons.push(reason("SUBJECT_EXTRA", `subject[${i}] carries ${Object.keys(rest).join(", ")} beside name and digest`, `subject[${i}]`));
    }
    if (typeof digest === "object" && digest !== null) {
      const algorithms = Object.keys(digest);
      const others = algorithms.filter((a) => a !== "sha256");
      if (others.length > 0) {
        reasons.push(reason("SUBJECT_DIGEST_ALGORITHM", `subject[${i}] digest has ${others.join(", ")} beside sha256: only sha256 is checked, so nothing else may be claimed`, `subject[${i}].digest`));
      }
    }
  }
  return reasons;
}

/** The venue facts a bundle carries must agree with the venue it names. */
export function checkVenueFacts(venue: SandboxAttestationPredicate["venue"]): Reason[] {
  const reasons: Reason[] = [];
  const ids = new Map<string, number>();
  for (const fact of venue.facts) ids.set(fact.id, (ids.get(fact.id) ?? 0) + 1);
  for (const [id, n] of ids) {
    if (n > 1) reasons.push(reason("VENUE_FACTS_MISMATCH", `venue fact ${id} appears ${n} times`, "predicate.venue.facts"));
  }
  for (const fact of venue.facts) {
    if (fact.id === "venue.id" && fact.value !== venue.id) {
      reasons.push(reason("VENUE_FACTS_MISMATCH", `the venue fact venue.id is ${JSON.stringify(fact.value)} but the bundle names venue ${venue.id}`, "predicate.venue.facts"));
    }
    if (fact.id === "venue.class" && fact.value !== venue.class) {
      reasons.push(reason("VENUE_FACTS_MISMATCH", `the venue fact venue.class is ${JSON.stringify(fact.value)} but the bundle says ${venue.class}`, "predicate.venue.facts"));
    }
  }
  return reasons;
}

/** Binds the statement to where it came from (see BundleOrigin). */
export function checkOrigin(p: SandboxAttestationPredicate, origin: BundleOrigin | undefined, signer: "trusted-key" | "run-key" | null): Reason[] {
  const reasons: Reason[] = [];
  if (origin === undefined) {
    if (signer === "run-key") reasons.push(reason("RUN_KEY_FOREIGN", "signed only by a run's ephemeral key, which no one outside that run can check: verify the run record instead", "signatures"));
    return reasons;
  }
  if (origin.kind === "operator") {
    if (p.runId !== null) reasons.push(reason("ORIGIN_MISMATCH", `the bundle was made by macro run ${p.runId}, not by an operator: a run's bundle is not evidence for another`, "predicate.runId"));
    if (signer === "run-key") reasons.push(reason("RUN_KEY_FOREIGN", "an operator bundle signed by a run key", "signatures"));
    return reasons;
  }
  if (p.runId !== origin.runId) {
    reasons.push(reason("RUN_MISMATCH", `the bundle is bound to ${p.runId === null ? "no run" : `run ${p.runId}`}, not to this run ${origin.runId} (replayed evidence)`, "predicate.runId"));
  }
  if (origin.imageId !== null && p.image.id !== origin.imageId) {
    reasons.push(reason("IMAGE_MISMATCH", `the bundle names image ${p.image.id} but this run built ${origin.imageId}`, "predicate.image.id"));
  }
  return reasons;
}
