import * as z from "zod";
import {
  DsseEnvelope,
  SANDBOX_PREDICATE_TYPE,
  STATEMENT_TYPE_V1,
  SandboxAttestationPredicate,
  StatementSubject,
  type SandboxAttestationStatement,
  type Ssot,
} from "@macro/ssot";
import { checkProbes, checkRunFlags, checkSubjects, checkTime, checkVenue } from "./checks.ts";
import { decodeBase64, verifyEnvelope } from "./dsse.ts";
import { checkEngineRecordView, checkFloor, checkVariant } from "./engine-record-checks.ts";
import { sha256Hex } from "./hash.ts";
import { reason, type Reason } from "./reason.ts";
import type { SandboxFiles } from "./statement.ts";

export interface BundleContext {
  ssot: Ssot;
  /** The local files the bundle's subjects must match, read as raw bytes. */
  files: SandboxFiles;
  /** ed25519 public keys (PEM) whose signatures are trusted. */
  trustedKeys: string[];
  now: Date;
  /** sha256 of the SSOT file's bytes; when given, the bundle must have been made under it. */
  ssotSha256?: string;
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
  signed: boolean;
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

function parseJson(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    // fatal: invalid UTF-8 is a broken bundle, not text to be repaired with U+FFFD.
    return { ok: true, value: JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)) as unknown };
  } catch {
    return { ok: false };
  }
}

const isEnvelopeShaped = (value: unknown): boolean =>
  typeof value === "object" && value !== null && ("payload" in value || "signatures" in value || "payloadType" in value);

/**
 * Verifies a B4′ evidence bundle read-only against the SSOT and the local files. It never
 * stops at the first defect (an operator fixes all of them in one round trip) except where
 * going on would mean reading unauthenticated bytes as if they were signed.
 *
 * @example
 * const verdict = verifyAttestationBundle(await readFile(bundlePath), {
 *   ssot: loaded.ssot,
 *   ssotSha256: loaded.sha256,
 *   files: { dockerfile, seccompProfile, probeBundle, syscallHelper: null },
 *   trustedKeys: [await readFile("keys/operator.pub.pem", "utf8")],
 *   now: new Date(),
 * });
 * if (!verdict.accepted) return blockWith(verdict.reasons); // every reason, with its code
 */
export function verifyAttestationBundle(bytes: Uint8Array, ctx: BundleContext): BundleVerdict {
  const reasons: Reason[] = [];
  const bundleSha256 = sha256Hex(bytes);
  const done = (statement: SandboxAttestationStatement | null, signed: boolean): BundleVerdict => ({
    accepted: reasons.length === 0,
    reasons,
    statement,
    venueId: statement?.predicate.venue.id ?? null,
    bundleSha256,
    signed,
  });

  const outer = parseJson(bytes);
  if (!outer.ok) {
    reasons.push(reason("BUNDLE_JSON", "the bundle is not UTF-8 JSON"));
    return done(null, false);
  }

  let payload: unknown = outer.value;
  let signed = false;
  if (isEnvelopeShaped(outer.value)) {
    const envelope = DsseEnvelope.safeParse(outer.value);
    if (!envelope.success) {
      reasons.push(...schemaReasons(envelope.error, ""));
      return done(null, false);
    }
    if (envelope.data.signatures.length === 0) {
      if (ctx.ssot.sandbox.signing.required) {
        reasons.push(reason("SIGNATURE_REQUIRED", "the SSOT requires a signed bundle and this envelope has no signature", "signatures"));
      }
      // An envelope without signatures is as unsigned as a bare statement: read, never trusted more.
      const unsigned = decodeBase64(envelope.data.payload);
      const inner = unsigned === null ? ({ ok: false } as const) : parseJson(unsigned);
      if (!inner.ok) {
        reasons.push(reason("BUNDLE_JSON", "the envelope payload is not base64 of JSON", "payload"));
        return done(null, false);
      }
      payload = inner.value;
    } else {
      const verified = verifyEnvelope(envelope.data, ctx.trustedKeys);
      if (!verified.ok) {
        // Nothing in an unverified payload may be read as evidence, so the check ends here.
        reasons.push(verified.error);
        return done(null, false);
      }
      signed = true;
      const inner = parseJson(verified.value.payloadBytes);
      if (!inner.ok) {
        reasons.push(reason("BUNDLE_JSON", "the signed payload is not JSON", "payload"));
        return done(null, true);
      }
      payload = inner.value;
    }
  } else if (ctx.ssot.sandbox.signing.required) {
    reasons.push(reason("SIGNATURE_REQUIRED", "the SSOT requires a signed bundle (DSSE envelope) and this is a bare statement"));
  }

  const statement = checkStatement(payload, ctx, reasons);
  return done(statement, signed);
}

function checkStatement(payload: unknown, ctx: BundleContext, reasons: Reason[]): SandboxAttestationStatement | null {
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
  const subjects = z.array(StatementSubject).safeParse(head.data.subject);
  if (!subjects.success) reasons.push(...schemaReasons(subjects.error, "subject"));
  else if (subjects.data.length === 0) reasons.push(reason("BUNDLE_SCHEMA", "the statement names no subject", "subject"));

  const predicate = SandboxAttestationPredicate.safeParse(head.data.predicate);
  if (!predicate.success) reasons.push(...schemaReasons(predicate.error, "predicate"));
  const p = predicate.success ? predicate.data : null;

  if (subjects.success) reasons.push(...checkSubjects(subjects.data, p?.image.id ?? null, ctx.files));
  if (p === null) return null;

  if (p.macroId !== ctx.ssot.macro.id) {
    reasons.push(reason("MACRO_MISMATCH", `the bundle attests macro ${p.macroId}, not ${ctx.ssot.macro.id}`, "predicate.macroId"));
  }
  if (ctx.ssotSha256 !== undefined && p.ssotSha256 !== ctx.ssotSha256) {
    reasons.push(reason("SSOT_MISMATCH", `the bundle was made under SSOT ${p.ssotSha256}, not ${ctx.ssotSha256}`, "predicate.ssotSha256"));
  }
  reasons.push(...checkVenue(p.venue, ctx.ssot));
  reasons.push(...checkTime(p.attestedAt, ctx.ssot.sandbox.freshnessDays, ctx.now));
  reasons.push(...checkRunFlags(p.runFlags, ctx.ssot));
  reasons.push(...checkProbes(p, ctx.ssot));
  reasons.push(...checkVariant(p), ...checkFloor(p), ...checkEngineRecordView(p, ctx.files));

  if (!subjects.success || head.data._type !== STATEMENT_TYPE_V1 || head.data.predicateType !== SANDBOX_PREDICATE_TYPE) return null;
  return { _type: STATEMENT_TYPE_V1, subject: subjects.data, predicateType: SANDBOX_PREDICATE_TYPE, predicate: p };
}
