import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { InputError, IN_TOTO_PAYLOAD_TYPE, type DsseEnvelope } from "@macro/ssot";
import { decodeBase64, generateKeyPair, keyIdOf, pae, signEnvelope, verifyEnvelope } from "./dsse.ts";

describe("pae", () => {
  it("matches the DSSE spec vector", () => {
    expect(pae("http://example.com/HelloWorld", Buffer.from("hello world")).toString("utf8")).toBe(
      "DSSEv1 29 http://example.com/HelloWorld 11 hello world",
    );
  });

  it("counts UTF-8 bytes, not characters, in both lengths", () => {
    const encoded = pae("tÿpe", Buffer.from("héllo wörld", "utf8"));
    expect(encoded.toString("utf8")).toBe("DSSEv1 5 tÿpe 13 héllo wörld");
  });
});

describe("decodeBase64", () => {
  it("accepts standard and URL-safe alphabets and rejects anything else", () => {
    const bytes = Buffer.from([0xfb, 0xff, 0xfe]);
    expect(decodeBase64(bytes.toString("base64"))).toEqual(bytes);
    expect(decodeBase64(bytes.toString("base64url"))).toEqual(bytes);
    expect(decodeBase64("not base64!")).toBeNull();
  });
});

describe("signEnvelope / verifyEnvelope", () => {
  const operator = generateKeyPair();
  const stranger = generateKeyPair();
  const statement = { _type: "https://in-toto.io/Statement/v1", note: "naïve" };

  it("round-trips: the verified payload is the exact signed bytes", () => {
    const envelope = signEnvelope(statement, operator.privateKeyPem);
    expect(envelope.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
    expect(envelope.signatures[0]?.keyid).toBe(operator.keyid);
    const verified = verifyEnvelope(envelope, [stranger.publicKeyPem, operator.publicKeyPem]);
    expect(verified.ok && verified.value.keyIndex).toBe(1);
    expect(verified.ok && verified.value.payloadBytes.toString("utf8")).toBe(JSON.stringify(statement));
  });

  it("signs given bytes as they are, without re-serialising", () => {
    const bytes = Buffer.from('{ "spaced" :  true }\n');
    const verified = verifyEnvelope(signEnvelope(bytes, operator.privateKeyPem), [operator.publicKeyPem]);
    expect(verified.ok && verified.value.payloadBytes).toEqual(bytes);
  });

  it("rejects a payload edited after signing", () => {
    const envelope = signEnvelope(statement, operator.privateKeyPem);
    const edited: DsseEnvelope = { ...envelope, payload: Buffer.from(JSON.stringify({ ...statement, note: "x" })).toString("base64") };
    const verified = verifyEnvelope(edited, [operator.publicKeyPem]);
    expect(!verified.ok && verified.error.code).toBe("SIGNATURE_INVALID");
  });

  it("rejects a signature by a key that is not trusted, even when its keyid claims a trusted one", () => {
    const envelope = signEnvelope(statement, stranger.privateKeyPem);
    const spoofed: DsseEnvelope = { ...envelope, signatures: envelope.signatures.map((s) => ({ ...s, keyid: operator.keyid })) };
    const verified = verifyEnvelope(spoofed, [operator.publicKeyPem]);
    expect(!verified.ok && verified.error.code).toBe("SIGNATURE_INVALID");
  });

  it("rejects an envelope with no signatures and one with no trusted keys", () => {
    const envelope = signEnvelope(statement, operator.privateKeyPem);
    const none = verifyEnvelope({ ...envelope, signatures: [] }, [operator.publicKeyPem]);
    expect(!none.ok && none.error.code).toBe("SIGNATURE_INVALID");
    const untrusted = verifyEnvelope(envelope, ["-----BEGIN PUBLIC KEY-----\ngarbage\n-----END PUBLIC KEY-----\n"]);
    expect(!untrusted.ok && untrusted.error.message).toContain("no readable ed25519 trusted key");
  });

  it("refuses a non-ed25519 signing key with a typed input error", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(() => signEnvelope(statement, pem)).toThrow(InputError);
    expect(() => signEnvelope(statement, "not a key")).toThrow(/not a readable PEM/);
  });

  it("derives the keyid hint from the SPKI DER, the same for the private and the public key", () => {
    expect(keyIdOf(createPrivateKey(operator.privateKeyPem))).toBe(operator.keyid);
    expect(operator.keyid).toMatch(/^[0-9a-f]{64}$/);
    expect(operator.keyid).not.toBe(stranger.keyid);
  });
});
