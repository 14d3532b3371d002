import { resolve } from "node:path";
import { DsseEnvelope, InputError, err, ok, readInput, type LoadedSsot } from "@macro/ssot";
import type { HeadVerifier, LedgerKeys } from "@macro/report";
import { trustedKeys } from "@macro/attest";
import { parseEvidenceJson, publicKeyOf, signEnvelope, verifyEnvelope } from "@macro/verifier";

export interface EvidenceKeys {
  /** Signs the ledger head and run records (the SSOT's signing.signingKey); null without one. */
  ledger: LedgerKeys;
  /** The public keys evidence may be signed by: the SSOT's trusted keys and the signing key's own. */
  trusted: string[];
  /**
   * True when a key is configured (signing.signingKey set, or signing.required): then the ledger
   * head and run records MUST be signed, and their absence is an error, not a shrug.
   */
  required: boolean;
}

/** The keys the SSOT configures, read through the one bounded reader. */
export async function evidenceKeys(loaded: LoadedSsot): Promise<EvidenceKeys> {
  const trusted = await trustedKeys(loaded, []);
  const { signingKey, required } = loaded.ssot.sandbox.signing;
  let privateKeyPem: string | null = null;
  if (signingKey !== null) {
    const path = resolve(loaded.dir, signingKey);
    const read = await readInput(path, { kind: "key" });
    if (!read.ok) throw new InputError(read.error.code, `signing key ${read.error.message}`, { file: path });
    privateKeyPem = Buffer.from(read.value).toString("utf8");
    trusted.push(publicKeyOf(privateKeyPem));
  }
  const verifier = required || privateKeyPem !== null ? headVerifier(trusted) : null;
  const pem = privateKeyPem;
  return {
    ledger: { signer: pem === null ? null : { sign: (payload) => JSON.stringify(signEnvelope(payload, pem)) }, verifier },
    trusted,
    required: verifier !== null,
  };
}

/** Opens a DSSE envelope (strict JSON, nothing beside its three fields) under the trusted keys. */
export function headVerifier(trusted: readonly string[]): HeadVerifier {
  return {
    open(bytes) {
      const json = parseEvidenceJson(bytes, "signature");
      if (!json.ok) return err(json.error.message);
      const value = json.value;
      if (typeof value !== "object" || value === null || Object.keys(value).some((k) => !["payloadType", "payload", "signatures"].includes(k))) {
        return err("not a DSSE envelope with only payloadType, payload and signatures");
      }
      const envelope = DsseEnvelope.safeParse(value);
      if (!envelope.success) return err("not a DSSE envelope");
      const verified = verifyEnvelope(envelope.data, trusted);
      return verified.ok ? ok(verified.value.payloadBytes) : err(verified.error.message);
    },
  };
}
