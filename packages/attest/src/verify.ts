import { basename, isAbsolute, resolve } from "node:path";
import { orInputError, readInputText, type LoadedSsot } from "@macro/ssot";
import {
  checkBundleName,
  readEvidenceFile,
  sha256Hex,
  verifyAttestationBundle,
  type BundleOrigin,
  type BundleVerdict,
  type SandboxFiles,
  type UnreadableEvidence,
} from "@macro/verifier";
import { readSandboxFiles, sandboxPaths } from "./files.ts";

/** Trusted keys are named in the SSOT, relative to it; extra ones may come from the operator's flags. */
export async function trustedKeys(loaded: LoadedSsot, extra: string[]): Promise<string[]> {
  const paths = [...loaded.ssot.sandbox.signing.trustedKeys.map((p) => (isAbsolute(p) ? p : resolve(loaded.dir, p))), ...extra];
  return Promise.all(paths.map(async (p) => orInputError(await readInputText(p, { kind: "key" }))));
}

/** A bundle's verdict, or why its file could not be read at all (exit 2, not a rejection). */
export type FileVerdict = BundleVerdict & { unreadable: UnreadableEvidence | null };

/**
 * Read-only: the bundle (through the one bounded reader), the local boundary files and the SSOT;
 * nothing is written. The file name's claims (venue, day, digest) are checked against the content.
 */
export async function verifyBundleFile(
  loaded: LoadedSsot,
  bundlePath: string,
  keys: string[],
  now: Date,
  origin?: BundleOrigin,
  files?: SandboxFiles,
): Promise<FileVerdict> {
  const [read, local] = await Promise.all([readEvidenceFile(bundlePath), files ?? readSandboxFiles(sandboxPaths(loaded))]);
  if (!read.ok) {
    return { accepted: false, reasons: [{ code: read.error.code, message: read.error.message }], statement: null, venueId: null, bundleSha256: "", signed: false, signer: null, unreadable: read.error };
  }
  const verdict = verifyAttestationBundle(read.value, {
    ssot: loaded.ssot,
    files: local,
    trustedKeys: keys,
    now,
    ssotSha256: loaded.sha256,
    ...(origin === undefined ? {} : { origin }),
  });
  const p = verdict.statement?.predicate;
  const named = checkBundleName(basename(bundlePath), p === undefined ? null : { venueId: p.venue.id, attestedAt: p.attestedAt, sha256: sha256Hex(read.value) });
  const reasons = [...verdict.reasons, ...named];
  return { ...verdict, reasons, accepted: verdict.accepted && named.length === 0, unreadable: null };
}
