import { reason, type Reason } from "./reason.ts";

const PREFIX = "sandbox-attestation-evidence-";
/** `<venue>-<date>[-<variant>]-<sha256 prefix>.json`, or the older `<venue>-<date>[-<variant>].json`. */
const NAME = /^sandbox-attestation-evidence-([A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)*?)-(\d{4}-\d{2}-\d{2})(?:-(.+?))??(?:-([0-9a-f]{16}))?\.json$/;

/**
 * The name of a bundle written once: venue, UTC day, variant when it is one, and the first 16
 * hex of the sha256 of its bytes, so two attestations never share a name and a name can never
 * point at other bytes.
 */
export function attestationBundleName(venueId: string, attestedAt: string, variant: string | null, sha256: string): string {
  return `${PREFIX}${venueId}-${attestedAt.slice(0, 10)}${variant === null ? "" : `-${variant}`}-${sha256.slice(0, 16)}.json`;
}

/**
 * A bundle's file name makes claims (venue, day, digest); each must agree with the content.
 * A name outside the pattern claims nothing: bundles are found and judged by content.
 */
export function checkBundleName(fileName: string, content: { venueId: string; attestedAt: string; sha256: string } | null): Reason[] {
  const m = NAME.exec(fileName);
  if (m === null || content === null) return [];
  const [, venue, day, , digest] = m;
  const reasons: Reason[] = [];
  if (venue !== content.venueId) reasons.push(reason("NAME_MISMATCH", `the file name says venue ${venue} but the bundle attests ${content.venueId}`, "file name"));
  if (day !== new Date(content.attestedAt).toISOString().slice(0, 10)) {
    reasons.push(reason("NAME_MISMATCH", `the file name says ${day} but the bundle was attested at ${content.attestedAt}`, "file name"));
  }
  if (digest !== undefined && !content.sha256.startsWith(digest)) {
    reasons.push(reason("NAME_MISMATCH", `the file name says sha256 ${digest}… but the bytes hash to ${content.sha256}`, "file name"));
  }
  return reasons;
}
