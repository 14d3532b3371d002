import { isDeepStrictEqual } from "node:util";
import {
  RunFlags,
  SANDBOX_SUBJECTS,
  type SandboxAttestationPredicate,
  type Ssot,
  type StatementSubject,
} from "@macro/ssot";
import { sha256Hex } from "./hash.ts";
import { judgeProbes, summarize } from "./judge.ts";
import { reason, type Reason } from "./reason.ts";
import { imageDigest, localSeccompDigest, type SandboxFiles } from "./statement.ts";

const DAY_MS = 86_400_000;
/** Clock skew tolerated between the venue that attested and the machine that verifies. */
export const FUTURE_SKEW_MS = 5 * 60_000;

/**
 * Every subject must appear exactly once by exact name and carry the local file's digest. A
 * duplicate is rejected rather than resolved, so no copy can hide behind another.
 */
export function checkSubjects(subjects: readonly StatementSubject[], imageId: string | null, files: SandboxFiles): Reason[] {
  const reasons: Reason[] = [];
  const byName = new Map<string, StatementSubject[]>();
  for (const subject of subjects) byName.set(subject.name, [...(byName.get(subject.name) ?? []), subject]);
  for (const [name, list] of byName) {
    if (list.length > 1) reasons.push(reason("SUBJECT_DUPLICATE", `subject ${name} appears ${list.length} times`, "subject"));
  }
  const expect = (name: string, want: string | null, what: string): void => {
    const list = byName.get(name) ?? [];
    if (list.length === 0) {
      reasons.push(reason("SUBJECT_MISSING", `the statement has no ${name} subject (${what})`, "subject"));
      return;
    }
    if (want === null) return;
    for (const subject of list) {
      if (subject.digest.sha256 !== want) {
        reasons.push(
          reason("SUBJECT_DIGEST_MISMATCH", `subject ${name} is sha256 ${subject.digest.sha256} but ${what} is ${want}`, "subject"),
        );
      }
    }
  };
  // Without a readable predicate there is no image id to bind to; the subject must still exist.
  expect(SANDBOX_SUBJECTS.image, imageId === null ? null : imageDigest(imageId), "the image id in the predicate");
  expect(SANDBOX_SUBJECTS.dockerfile, sha256Hex(files.dockerfile), "the local Dockerfile.sandbox");
  // The profile the container ran with (engine record) must be the local one, compared as canonical JSON.
  expect(SANDBOX_SUBJECTS.seccompProfile, localSeccompDigest(files.seccompProfile), "the local seccomp profile");
  expect(SANDBOX_SUBJECTS.probeBundle, sha256Hex(files.probeBundle), "the local probe bundle");
  if (files.syscallHelper !== null) {
    expect(SANDBOX_SUBJECTS.syscallHelper, sha256Hex(files.syscallHelper), "the local syscall helper");
  } else if (byName.has(SANDBOX_SUBJECTS.syscallHelper)) {
    reasons.push(
      reason("SUBJECT_DIGEST_MISMATCH", "the statement attests a syscall helper but this checkout has none", "subject"),
    );
  }
  return reasons;
}

export function checkVenue(venue: SandboxAttestationPredicate["venue"], ssot: Ssot): Reason[] {
  const reasons: Reason[] = [];
  const rejected = ssot.venues.rejected.find((v) => v.id === venue.id);
  if (rejected !== undefined) {
    reasons.push(reason("VENUE_REJECTED", `venue ${venue.id} is rejected by the SSOT: ${rejected.reason}`, "predicate.venue.id"));
  } else if (!ssot.venues.approved.some((v) => v.id === venue.id)) {
    reasons.push(reason("VENUE_UNKNOWN", `venue ${venue.id} is not an approved venue of the SSOT`, "predicate.venue.id"));
  }
  if (venue.class !== "approved") {
    reasons.push(reason("VENUE_NOT_APPROVED", `the venue was classed ${venue.class} when it attested`, "predicate.venue.class"));
  }
  return reasons;
}

export function checkTime(attestedAt: string, freshnessDays: number, now: Date): Reason[] {
  const at = Date.parse(attestedAt);
  if (Number.isNaN(at)) return [reason("BUNDLE_SCHEMA", `attestedAt ${attestedAt} is not a date`, "predicate.attestedAt")];
  const reasons: Reason[] = [];
  if (now.getTime() - at > freshnessDays * DAY_MS) {
    reasons.push(reason("STALE", `attested at ${attestedAt}, older than ${freshnessDays} day(s) before ${now.toISOString()}`, "predicate.attestedAt"));
  }
  if (at - now.getTime() > FUTURE_SKEW_MS) {
    reasons.push(reason("FUTURE", `attested at ${attestedAt}, after ${now.toISOString()} (+5 min skew)`, "predicate.attestedAt"));
  }
  return reasons;
}

/** Probe set, recomputed verdicts, and the stored summary/verdict against the recomputed ones. */
export function checkProbes(predicate: SandboxAttestationPredicate, ssot: Ssot): Reason[] {
  // The issued nonce is the predicate's: every result must carry it (a replayed or spliced result does not).
  const judged = judgeProbes(ssot.sandbox.probes, predicate.probes, predicate.nonce);
  const reasons = [...judged.reasons];
  const summary = summarize(judged.probes.map((probe) => probe.verdict));
  if (!isDeepStrictEqual(summary, predicate.summary)) {
    reasons.push(
      reason("VERDICT_MISMATCH", `stored summary ${JSON.stringify(predicate.summary)} ≠ recomputed ${JSON.stringify(summary)}`, "predicate.summary"),
    );
  }
  if (predicate.verdict !== judged.verdict) {
    reasons.push(reason("VERDICT_MISMATCH", `stored verdict ${predicate.verdict} ≠ recomputed ${judged.verdict}`, "predicate.verdict"));
  }
  return reasons;
}

/** The container must have run with exactly the SSOT's flags: weaker flags attest another sandbox. */
export function checkRunFlags(runFlags: RunFlags, ssot: Ssot): Reason[] {
  const want = RunFlags.parse(ssot.sandbox.runFlags);
  if (isDeepStrictEqual(RunFlags.parse(runFlags), want)) return [];
  const differing = Object.keys(want).filter(
    (key) => !isDeepStrictEqual((runFlags as Record<string, unknown>)[key], (want as Record<string, unknown>)[key]),
  );
  return [reason("RUN_FLAGS_MISMATCH", `run flags differ from the SSOT's sandbox profile: ${differing.join(", ")}`, "predicate.runFlags")];
}
