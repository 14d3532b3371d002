import { DsseEnvelope, IN_TOTO_PAYLOAD_TYPE } from "@macro/ssot";
import { decodeBase64, verifyEnvelope } from "./dsse.ts";
import { parseEvidenceJson } from "./evidence-json.ts";
import { reason, type Reason } from "./reason.ts";

/** Which key a signature verified under: one the SSOT trusts, or the run's own ephemeral key. */
export type Signer = "trusted-key" | "run-key";

export interface OpenedEvidence {
  /** The statement, parsed only from the bytes a signature covers (or, unsigned, the only bytes). */
  statement: unknown;
  signer: Signer | null;
}

const ENVELOPE_KEYS = new Set(["payloadType", "payload", "signatures"]);
const SIGNATURE_KEYS = new Set(["keyid", "sig"]);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Opens a piece of evidence as a DSSE envelope and authenticates it. Unsigned evidence (a bare
 * statement, or an envelope without signatures) is read for its reasons but is UNAUTHENTICATED:
 * it can never be accepted. An envelope carrying anything beside its three fields (a second,
 * bare statement a lenient reader might pick up) is refused, as is a payload type that is not
 * in-toto's. `runKeyPem` is the run's ephemeral public key, tried after the trusted keys.
 */
export function openEvidence(value: unknown, trustedKeys: readonly string[], runKeyPem: string | null, reasons: Reason[]): OpenedEvidence | null {
  const shaped = isObject(value) && ("payload" in value || "signatures" in value || "payloadType" in value);
  if (!shaped) {
    reasons.push(unauthenticated("a bare statement: nothing signs it"));
    return { statement: value, signer: null };
  }
  const extra = Object.keys(value).filter((key) => !ENVELOPE_KEYS.has(key));
  if (extra.length > 0) {
    reasons.push(reason("ENVELOPE_EXTRA_FIELDS", `the envelope carries ${extra.map((k) => JSON.stringify(k)).join(", ")} beside payloadType, payload and signatures: which statement counts would be ambiguous`, extra[0]));
    return null;
  }
  if (value.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    reasons.push(reason("PAYLOAD_TYPE", `payloadType is ${JSON.stringify(value.payloadType)}, not ${IN_TOTO_PAYLOAD_TYPE}`, "payloadType"));
    return null;
  }
  const signatures = Array.isArray(value.signatures) ? value.signatures : [];
  const extraSig = signatures.flatMap((s, i) => (isObject(s) ? Object.keys(s).filter((k) => !SIGNATURE_KEYS.has(k)).map((k) => `signatures[${i}].${k}`) : [`signatures[${i}]`]));
  if (extraSig.length > 0) {
    reasons.push(reason("ENVELOPE_EXTRA_FIELDS", `unexpected signature fields: ${extraSig.join(", ")}`, extraSig[0]));
    return null;
  }
  const envelope = DsseEnvelope.safeParse(value);
  if (!envelope.success) {
    reasons.push(reason("BUNDLE_SCHEMA", `the DSSE envelope is malformed: ${envelope.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`));
    return null;
  }
  if (envelope.data.signatures.length === 0) {
    reasons.push(unauthenticated("a DSSE envelope with no signature"));
    const bytes = decodeBase64(envelope.data.payload);
    if (bytes === null) {
      reasons.push(reason("BUNDLE_JSON", "the envelope payload is not base64", "payload"));
      return null;
    }
    const inner = parseEvidenceJson(bytes, "payload");
    if (!inner.ok) {
      reasons.push(inner.error);
      return null;
    }
    return { statement: inner.value, signer: null };
  }
  const keys = runKeyPem === null ? [...trustedKeys] : [...trustedKeys, runKeyPem];
  const verified = verifyEnvelope(envelope.data, keys);
  if (!verified.ok) {
    // Nothing in an unverified payload may be read as evidence, so the check ends here.
    reasons.push(verified.error);
    return null;
  }
  const inner = parseEvidenceJson(verified.value.payloadBytes, "payload");
  if (!inner.ok) {
    reasons.push(inner.error);
    return null;
  }
  return { statement: inner.value, signer: runKeyPem !== null && verified.value.keyIndex === trustedKeys.length ? "run-key" : "trusted-key" };
}

function unauthenticated(what: string): Reason {
  return reason(
    "UNAUTHENTICATED",
    `${what}. Evidence from outside this run counts only when signed by a key the SSOT trusts: make one with \`pnpm macro keygen --out keys\`, add keys/attest-signing.pub to sandbox.signing.trustedKeys, and sign with \`pnpm macro attest --key keys/attest-signing.key\``,
    "signatures",
  );
}
