import { createHash } from "node:crypto";
import * as z from "zod";
import { DsseEnvelope, SANDBOX_PREDICATE_TYPE, STATEMENT_TYPE_V1 } from "@macro/ssot";
import { block, PASS, type GuardVerdict } from "./verdict.ts";
import type { GuardContext } from "./context.ts";

/**
 * Only the fields the guard decides on; the verifier owns the full predicate (and the
 * signature) and has already checked it. Loose objects on purpose: extra fields are the
 * verifier's business, not a reason to refuse.
 */
const AttestationShape = z.object({
  _type: z.literal(STATEMENT_TYPE_V1),
  predicateType: z.literal(SANDBOX_PREDICATE_TYPE),
  predicate: z.object({
    verdict: z.string(),
    runId: z.string().nullable(),
  }),
});

const utf8 = (bytes: Uint8Array): string => new TextDecoder("utf-8", { fatal: true }).decode(bytes);

/** The Statement of a bundle file: either the bare Statement or the payload of its DSSE envelope. */
function statementOf(json: unknown): unknown {
  const envelope = DsseEnvelope.safeParse(json);
  if (!envelope.success) return json;
  return JSON.parse(utf8(Buffer.from(envelope.data.payload, "base64")));
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * P1: refuse unless a verified attestation, bound to this run, was handed in. The digest
 * is checked on the raw bytes before anything is parsed, so a tampered file is refused
 * as tampered, whatever it contains.
 */
export function checkAttestation(ctx: GuardContext): GuardVerdict {
  const file = ctx.inputs.attestationFile ?? ctx.env["MACRO_ATTESTATION"];
  const digest = ctx.inputs.attestationSha256 ?? ctx.env["MACRO_ATTESTATION_SHA256"];
  const runId = ctx.inputs.runId ?? ctx.env["MACRO_RUN_ID"];
  if (file === undefined || file === "") {
    return block("P1_NO_ATTESTATION", "no attestation given (--attestation <file> or MACRO_ATTESTATION)");
  }
  if (digest === undefined || digest === "") {
    return block(
      "P1_NO_ATTESTATION",
      "no attestation digest given (--attestation-sha256 <hex> or MACRO_ATTESTATION_SHA256)",
    );
  }
  if (runId === undefined || runId === "") {
    return block("P1_NO_ATTESTATION", "no run id given (--run-id <id> or MACRO_RUN_ID): nothing to bind the attestation to");
  }
  const expected = digest.toLowerCase();
  if (!SHA256_HEX.test(expected)) {
    return block("P1_ATTESTATION_MISMATCH", "the given attestation digest is not a sha256 hex string");
  }
  let bytes: Uint8Array;
  try {
    bytes = ctx.readFile(file);
  } catch {
    return block("P1_NO_ATTESTATION", `attestation file ${file} cannot be read`);
  }
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== expected) {
    return block("P1_ATTESTATION_MISMATCH", `attestation ${file} has sha256 ${actual}, expected ${expected}`);
  }
  let json: unknown;
  try {
    json = statementOf(JSON.parse(utf8(bytes)));
  } catch {
    return block("P1_ATTESTATION_MISMATCH", `attestation ${file} is not valid UTF-8 JSON`);
  }
  const parsed = AttestationShape.safeParse(json);
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
