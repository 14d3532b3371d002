import { createPublicKey, verify, type KeyObject } from "node:crypto";
import * as z from "zod";
import { IN_TOTO_PAYLOAD_TYPE, SANDBOX_PREDICATE_TYPE, STATEMENT_TYPE_V1, parseStrictJson } from "@macro/ssot";
import { block, PASS, type GuardVerdict } from "./verdict.ts";
import type { GuardContext } from "./context.ts";

/**
 * Only the fields the guard decides on, read from the bytes the run's signature covers. The
 * verifier owns the full predicate; the guard's question is narrower: did the run that invoked
 * me sign an ATTESTED statement about this very run?
 */
const AttestationShape = z.object({
  _type: z.literal(STATEMENT_TYPE_V1),
  predicateType: z.literal(SANDBOX_PREDICATE_TYPE),
  predicate: z.object({
    verdict: z.string(),
    runId: z.string().nullable(),
  }),
});

const Envelope = z.strictObject({
  payloadType: z.string(),
  payload: z.string(),
  signatures: z.array(z.strictObject({ keyid: z.string().optional(), sig: z.string() })),
});

/** An attestation is ~30 KB; anything past this is not one. */
const MAX_ATTESTATION_BYTES = 4 * 1024 * 1024;
const MAX_DEPTH = 64;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** DSSE pre-authentication encoding (lengths in bytes). */
function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** The run's public key as given on the command line: base64 of its SPKI DER, ed25519 only. */
function runKey(text: string): KeyObject | null {
  if (!BASE64.test(text)) return null;
  try {
    const key = createPublicKey({ key: Buffer.from(text, "base64"), format: "der", type: "spki" });
    return key.asymmetricKeyType === "ed25519" ? key : null;
  } catch {
    return null;
  }
}

/** Strict JSON (no duplicate key, BOM, trailing bytes, deep nesting): JSON.parse keeps the LAST `verdict`. */
function strictParse(bytes: Uint8Array): unknown {
  const parsed = parseStrictJson(bytes, { maxBytes: MAX_ATTESTATION_BYTES, maxDepth: MAX_DEPTH });
  if (!parsed.ok) throw new Error(`${parsed.error.code}: ${parsed.error.path}: ${parsed.error.message}`);
  return parsed.value;
}

/**
 * P1: refuse unless an ATTESTED statement bound to this run, signed by the key the run baked into
 * this invocation (its ephemeral ed25519 key, base64 SPKI DER), was handed in. A digest the caller
 * chooses proves nothing (the caller can hash any file); a signature by the run's key means the
 * run made this statement. The statement is parsed only from the bytes the signature covers.
 */
export function checkAttestation(ctx: GuardContext): GuardVerdict {
  const file = ctx.inputs.attestationFile ?? ctx.env["MACRO_ATTESTATION"];
  const keyText = ctx.inputs.attestationKey ?? ctx.env["MACRO_ATTESTATION_KEY"];
  const runId = ctx.inputs.runId ?? ctx.env["MACRO_RUN_ID"];
  if (file === undefined || file === "") {
    return block("P1_NO_ATTESTATION", "no attestation given (--attestation <file> or MACRO_ATTESTATION)");
  }
  if (keyText === undefined || keyText === "") {
    return block("P1_NO_ATTESTATION", "no attestation key given (--attestation-key <base64 SPKI> or MACRO_ATTESTATION_KEY): nothing to check the signature against");
  }
  if (runId === undefined || runId === "") {
    return block("P1_NO_ATTESTATION", "no run id given (--run-id <id> or MACRO_RUN_ID): nothing to bind the attestation to");
  }
  const key = runKey(keyText);
  if (key === null) return block("P1_ATTESTATION_MISMATCH", "the attestation key is not base64 of an ed25519 public key (SPKI DER)");
  let bytes: Uint8Array;
  try {
    bytes = ctx.readFile(file);
  } catch {
    return block("P1_NO_ATTESTATION", `attestation file ${file} cannot be read`);
  }
  if (bytes.byteLength > MAX_ATTESTATION_BYTES) return block("P1_ATTESTATION_MISMATCH", `attestation ${file} is over ${MAX_ATTESTATION_BYTES} bytes`);
  let outer: unknown;
  try {
    outer = strictParse(bytes);
  } catch (error) {
    return block("P1_ATTESTATION_MISMATCH", `attestation ${file} is not strict UTF-8 JSON (${error instanceof Error ? error.message : "unreadable"})`);
  }
  const envelope = Envelope.safeParse(outer);
  if (!envelope.success) return block("P1_ATTESTATION_UNSIGNED", `attestation ${file} is not a DSSE envelope with only payloadType, payload and signatures: unsigned evidence is refused`);
  if (envelope.data.payloadType !== IN_TOTO_PAYLOAD_TYPE) return block("P1_ATTESTATION_MISMATCH", `payloadType is not ${IN_TOTO_PAYLOAD_TYPE}`);
  if (!BASE64.test(envelope.data.payload)) return block("P1_ATTESTATION_MISMATCH", "the envelope payload is not base64");
  const payload = Buffer.from(envelope.data.payload, "base64");
  const message = pae(envelope.data.payloadType, payload);
  const signed = envelope.data.signatures.some(({ sig }) => {
    if (!BASE64.test(sig)) return false;
    try {
      return verify(null, message, key, Buffer.from(sig, "base64"));
    } catch {
      return false;
    }
  });
  if (!signed) return block("P1_ATTESTATION_UNSIGNED", `no signature on attestation ${file} verifies under the run's key: not made by the run that invoked the inspector`);
  let statement: unknown;
  try {
    statement = strictParse(payload);
  } catch (error) {
    return block("P1_ATTESTATION_MISMATCH", `the signed payload is not strict JSON (${error instanceof Error ? error.message : "unreadable"})`);
  }
  const parsed = AttestationShape.safeParse(statement);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? "" : ` at ${issue.path.join(".") || "(root)"}: ${issue.message}`;
    return block("P1_ATTESTATION_MISMATCH", `attestation ${file} is not a sandbox attestation statement${where}`);
  }
  const { verdict, runId: boundRunId } = parsed.data.predicate;
  if (verdict !== "ATTESTED") {
    return block("P1_ATTESTATION_MISMATCH", `attestation verdict is ${verdict}, not ATTESTED`);
  }
  if (boundRunId !== runId) {
    const bound = boundRunId === null ? "no run" : `run ${boundRunId}`;
    return block("P1_ATTESTATION_MISMATCH", `attestation is bound to ${bound}, not to this run ${runId}`);
  }
  return PASS;
}
