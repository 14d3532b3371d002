import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { err, InputError, IN_TOTO_PAYLOAD_TYPE, ok, type DsseEnvelope, type Result } from "@macro/ssot";
import { sha256Hex } from "./hash.ts";
import { reason, type Reason } from "./reason.ts";

/** DSSE pre-authentication encoding: lengths are byte lengths, so multi-byte UTF-8 counts right. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, "utf8"),
    type,
    Buffer.from(` ${payload.length} `, "utf8"),
    payload,
  ]);
}

/** keyid hint: sha256 hex of the public key's SPKI DER. */
export function keyIdOf(key: KeyObject): string {
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  return sha256Hex(publicKey.export({ type: "spki", format: "der" }));
}

export interface GeneratedKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
  keyid: string;
}

/** A fresh ed25519 key pair for an operator; the caller decides where (and whether) to store it. */
export function generateKeyPair(): GeneratedKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    keyid: keyIdOf(publicKey),
  };
}

/**
 * Signs a Statement. Given an object, the signed bytes are its `JSON.stringify`; given bytes,
 * exactly those bytes. A key that is not an ed25519 private key is the operator's input error.
 */
export function signEnvelope(statement: Uint8Array | object, privateKeyPem: string): DsseEnvelope {
  return signEnvelopeWith(statement, [privateKeyPem]);
}

/** One envelope, one signature per key (e.g. the operator's configured key and the run's own). */
export function signEnvelopeWith(statement: Uint8Array | object, privateKeysPem: readonly string[]): DsseEnvelope {
  const payload = statement instanceof Uint8Array ? Buffer.from(statement) : Buffer.from(JSON.stringify(statement), "utf8");
  const message = pae(IN_TOTO_PAYLOAD_TYPE, payload);
  return {
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    payload: payload.toString("base64"),
    signatures: privateKeysPem.map((pem) => {
      const key = signingKey(pem);
      return { keyid: keyIdOf(key), sig: sign(null, message, key).toString("base64") };
    }),
  };
}

// PEM parsing is most of the cost of a signature; a key object is immutable, so keep it.
const SIGNING_KEYS = new Map<string, KeyObject>();
const PUBLIC_KEYS = new Map<string, KeyObject | null>();

function signingKey(privateKeyPem: string): KeyObject {
  const cached = SIGNING_KEYS.get(privateKeyPem);
  if (cached !== undefined) return cached;
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (cause) {
    throw new InputError("SIGNING_KEY_INVALID", "the signing key is not a readable PEM private key", { cause });
  }
  if (key.asymmetricKeyType !== "ed25519") {
    throw new InputError("SIGNING_KEY_INVALID", `the signing key is ${key.asymmetricKeyType ?? "unknown"}, not ed25519`);
  }
  if (SIGNING_KEYS.size < 64) SIGNING_KEYS.set(privateKeyPem, key);
  return key;
}

/** base64 of an ed25519 public key's SPKI DER: how the run hands its key to the inspector on a command line. */
export function spkiBase64(publicKeyPem: string): string {
  return createPublicKey(publicKeyPem).export({ type: "spki", format: "der" }).toString("base64");
}

/** The public key (PEM) of an ed25519 private key (PEM). */
export function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(signingKey(privateKeyPem)).export({ type: "spki", format: "pem" }).toString();
}

const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;

/** DSSE accepts standard and URL-safe base64; anything else is rejected rather than half-decoded. */
export function decodeBase64(text: string): Buffer | null {
  if (!BASE64.test(text)) return null;
  const standard = text.replace(/-/g, "+").replace(/_/g, "/");
  const body = standard.replace(/=+$/, "");
  if (body.length % 4 === 1) return null;
  return Buffer.from(body, "base64");
}

function trustedKeys(pems: readonly string[]): { key: KeyObject; index: number }[] {
  const keys: { key: KeyObject; index: number }[] = [];
  for (const [index, pem] of pems.entries()) {
    let key = PUBLIC_KEYS.get(pem);
    if (key === undefined) {
      try {
        const parsed = createPublicKey(pem);
        key = parsed.asymmetricKeyType === "ed25519" ? parsed : null;
      } catch {
        // An unreadable trusted key trusts nothing; the caller learns that no key matched.
        key = null;
      }
      if (PUBLIC_KEYS.size < 256) PUBLIC_KEYS.set(pem, key);
    }
    if (key !== null) keys.push({ key, index });
  }
  return keys;
}

export interface VerifiedPayload {
  /** The exact bytes the signature covers: parse the Statement from these and nothing else. */
  payloadBytes: Buffer;
  /** Index into the trusted keys of the first key that verified a signature. */
  keyIndex: number;
}

/**
 * Verifies a DSSE envelope against trusted ed25519 public keys (threshold 1). Every signature
 * is tried against every trusted key: keyids are hints and never pick the key.
 */
export function verifyEnvelope(envelope: DsseEnvelope, trustedPublicKeysPem: readonly string[]): Result<VerifiedPayload, Reason> {
  if (envelope.signatures.length === 0) {
    return err(reason("SIGNATURE_INVALID", "the envelope carries no signature", "signatures"));
  }
  const payload = decodeBase64(envelope.payload);
  if (payload === null) return err(reason("SIGNATURE_INVALID", "the envelope payload is not base64", "payload"));
  const message = pae(envelope.payloadType, payload);
  const keys = trustedKeys(trustedPublicKeysPem);
  if (keys.length === 0) {
    return err(reason("SIGNATURE_INVALID", "no readable ed25519 trusted key is configured, so no signature can be trusted", "signatures"));
  }
  for (const signature of envelope.signatures) {
    const sig = decodeBase64(signature.sig);
    if (sig === null) continue;
    for (const { key, index } of keys) {
      let valid = false;
      try {
        valid = verify(null, message, key, sig);
      } catch {
        valid = false;
      }
      if (valid) return ok({ payloadBytes: payload, keyIndex: index });
    }
  }
  return err(
    reason(
      "SIGNATURE_INVALID",
      `none of ${envelope.signatures.length} signature(s) verifies under the ${keys.length} trusted key(s): bad signature, edited payload or untrusted signer`,
      "signatures",
    ),
  );
}
