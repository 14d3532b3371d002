// Test support only: an attestation signed the way a macro run signs it, with a key made here.
import { generateKeyPairSync, sign } from "node:crypto";

const PAYLOAD_TYPE = "application/vnd.in-toto+json";

/** A DSSE envelope over `statement` and the base64 SPKI DER of the key that signed it. */
export function signedAttestation(statement: string): { envelope: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const payload = Buffer.from(statement, "utf8");
  const type = Buffer.from(PAYLOAD_TYPE);
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
  const envelope = { payloadType: PAYLOAD_TYPE, payload: payload.toString("base64"), signatures: [{ sig: sign(null, pae, privateKey).toString("base64") }] };
  return { envelope: JSON.stringify(envelope), key: publicKey.export({ type: "spki", format: "der" }).toString("base64") };
}
