import * as z from "zod";
import {
  SANDBOX_PREDICATE_TYPE,
  STATEMENT_TYPE_V1,
  SandboxAttestationPredicate,
  StatementSubject,
  type SandboxAttestationStatement,
  type Ssot,
} from "@macro/ssot";
import type { Signer } from "./authenticate.ts";
import { openEvidence } from "./authenticate.ts";
import { checkOrigin, checkSubjectShape, checkVenueFacts, type BundleOrigin } from "./bundle-binding.ts";
import { checkProbes, checkRunFlags, checkSubjects, checkTime, checkVenue } from "./checks.ts";
import { checkEngineRecordView, checkFloor, checkVariant } from "./engine-record-checks.ts";
import { EVIDENCE_LIMITS, parseEvidenceJson } from "./evidence-json.ts";
import { sha256Hex } from "./hash.ts";
import { reason, type Reason } from "./reason.ts";
import type { SandboxFiles } from "./statement.ts";

export interface BundleContext {
  ssot: Ssot;
  /** The local files the bundle's subjects must match, read as raw bytes. */
  files: SandboxFiles;
  /** ed25519 public keys (PEM) the SSOT trusts. Unsigned evidence is never accepted. */
  trustedKeys: string[];
  now: Date;
  /** sha256 of the SSOT file's bytes; when given, the bundle must have been made under it. */
  ssotSha256?: string;
  /** Where the bundle is expected to come from; absent: anywhere, under a trusted key only. */
  origin?: BundleOrigin;
}

export interface BundleVerdict {
  accepted: boolean;
  /** Every reason found, not only the first; accepted only when empty. */
  reasons: Reason[];
  /**
   * The statement when it parsed, parsed only from verified bytes (or, unsigned, the only bytes
   * there are). Present on rejection too, for the blocker packet: trust it only when accepted.
   */
  statement: SandboxAttestationStatement | null;
  venueId: string | null;
  /** sha256 of the bundle file's raw bytes, for binding the evidence into the run record. */
  bundleSha256: string;
  /** True only when a signature verified under a trusted key or this run's key. */
  signed: boolean;
  signer: Signer | null;
}

/** The Statement's envelope fields, loose, so each defect gets its own reason code. */
const StatementHead = z.object({
  _type: z.unknown(),
  subject: z.unknown(),
  predicateType: z.unknown(),
  predicate: z.unknown(),
});

const schemaReasons = (error: z.ZodError, prefix: string): Reason[] =>
  error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== "").join(".");
    return reason("BUNDLE_SCHEMA", `${path || "(root)"}: ${issue.message}`, path || undefined);
  });

/**
 * Verifies a B4′ evidence bundle read-only against the SSOT and the local files. It never
 * stops at the first defect (an operator fixes all of them in one round trip) except where
 * going on would mean reading unauthenticated bytes as if they were signed. Unsigned evidence
 * is reported in full and never accepted (UNAUTHENTICATED).
 *
 * @example
 * const verdict = verifyAttestationBundle(bytes, {
 *   ssot: loaded.ssot, ssotSha256: loaded.sha256,
 *   files: { dockerfile, seccompProfile, probeBundle, syscallHelper: null },
 *   trustedKeys: [await readFile("keys/attest-signing.pub", "utf8")],
 *   now: new Date(), origin: { kind: "operator" },
 * });
 * if (!verdict.accepted) return blockWith(verdict.reasons); // every reason, with its code
 */
export function verifyAttestationBundle(bytes: Uint8Array, ctx: BundleContext): BundleVerdict {
  const reasons: Reason[] = [];
  // Past the limit nothing is read, not even hashed: refusing must cost nothing.
  const bundleSha256 = bytes.byteLength > EVIDENCE_LIMITS.documentBytes ? "" : sha256Hex(bytes);
  const done = (statement: SandboxAttestationStatement | null, signer: Signer | null): BundleVerdict => ({
    accepted: reasons.length === 0 && statement !== null && signer !== null,
    reasons,
    statement,
    venueId: statement?.predicate.venue.id ?? null,
    bundleSha256,
    signed: signer !== null,
    signer,
  });

  const outer = parseEvidenceJson(bytes, "bundle");
  if (!outer.ok) {
    reasons.push(outer.error);
    return done(null, null);
  }
  const runKey = ctx.origin?.kind === "run" ? ctx.origin.runPublicKeyPem : null;
  const opened = openEvidence(outer.value, ctx.trustedKeys, runKey, reasons);
  if (opened === null) return done(null, null);
  const statement = checkStatement(opened.statement, ctx, opened.signer, reasons);
  return done(statement, opened.signer);
}

function checkStatement(payload: unknown, ctx: BundleContext, signer: Signer | null, reasons: Reason[]): SandboxAttestationStatement | null {
  const head = StatementHead.safeParse(payload);
  if (!head.success) {
    reasons.push(reason("BUNDLE_SCHEMA", "the statement is not a JSON object"));
    return null;
  }
  if (head.data._type !== STATEMENT_TYPE_V1) {
    reasons.push(reason("STATEMENT_TYPE", `_type is ${JSON.stringify(head.data._type)}, not ${STATEMENT_TYPE_V1}`, "_type"));
  }
  if (head.data.predicateType !== SANDBOX_PREDICATE_TYPE) {
    reasons.push(
      reason("PREDICATE_TYPE", `predicateType is ${JSON.stringify(head.data.predicateType)}, not ${SANDBOX_PREDICATE_TYPE}`, "predicateType"),
    );
  }
  reasons.push(...checkSubjectShape(head.data.subject));
  const subjects = z.array(StatementSubject).safeParse(head.data.subject);
  if (!subjects.success) reasons.push(...schemaReasons(subjects.error, "subject"));
  else if (subjects.data.length === 0) reasons.push(reason("BUNDLE_SCHEMA", "the statement names no subject", "subject"));

  const predicate = SandboxAttestationPredicate.safeParse(head.data.predicate);
  if (!predicate.success) reasons.push(...schemaReasons(predicate.error, "predicate"));
  const p = predicate.success ? predicate.data : null;

  // The image subject is checked against the image this run built when there is one, never only
  // against the bundle's own claim.
  const localImage = ctx.origin?.kind === "run" ? ctx.origin.imageId : null;
  if (subjects.success) reasons.push(...checkSubjects(subjects.data, localImage ?? p?.image.id ?? null, ctx.files));
  if (p === null) return null;

  if (p.macroId !== ctx.ssot.macro.id) {
    reasons.push(reason("MACRO_MISMATCH", `the bundle attests macro ${p.macroId}, not ${ctx.ssot.macro.id}`, "predicate.macroId"));
  }
  if (ctx.ssotSha256 !== undefined && p.ssotSha256 !== ctx.ssotSha256) {
    reasons.push(reason("SSOT_MISMATCH", `the bundle was made under SSOT ${p.ssotSha256}, not ${ctx.ssotSha256}`, "predicate.ssotSha256"));
  }
  reasons.push(...checkVenue(p.venue, ctx.ssot));
  reasons.push(...checkVenueFacts(p.venue));
  reasons.push(...checkTime(p.attestedAt, ctx.ssot.sandbox.freshnessDays, ctx.now));
  reasons.push(...checkRunFlags(p.runFlags, ctx.ssot));
  reasons.push(...checkProbes(p, ctx.ssot));
  reasons.push(...checkVariant(p), ...checkFloor(p), ...checkEngineRecordView(p, ctx.files));
  reasons.push(...checkOrigin(p, ctx.origin, signer));

  if (!subjects.success || head.data._type !== STATEMENT_TYPE_V1 || head.data.predicateType !== SANDBOX_PREDICATE_TYPE) return null;
  return { _type: STATEMENT_TYPE_V1, subject: subjects.data, predicateType: SANDBOX_PREDICATE_TYPE, predicate: p };
}
