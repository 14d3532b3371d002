// Test support only: the fake-green catalogue as bundle files, written to fixtures/bundles/.
import { createPrivateKey, createPublicKey, createHash } from "node:crypto";
import type { SandboxAttestationStatement, Ssot } from "@macro/ssot";
import { FILES, NOW, goodStatement } from "./_fixtures.ts";
import { signEnvelope } from "./dsse.ts";

/** Deterministic ed25519 keys from a label; ed25519 signatures are deterministic too, so the files are. */
function fixtureKey(label: string): { privateKeyPem: string; publicKeyPem: string } {
  const seed = createHash("sha256").update(`macro bundle fixture key: ${label}`).digest();
  const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]);
  const key = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" });
  return {
    privateKeyPem: key.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: createPublicKey(key).export({ type: "spki", format: "pem" }).toString(),
  };
}

export const TRUSTED = fixtureKey("trusted (test only, never a real signer)");
const UNTRUSTED = fixtureKey("untrusted");

export interface BundleCase {
  file: string;
  title: string;
  signingRequired: boolean;
  accepted: boolean;
  /** Every reason code expected, sorted. */
  codes: string[];
  bytes: Buffer;
}

const json = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
const sign = (statement: object, key = TRUSTED.privateKeyPem): Buffer => json(signEnvelope(statement, key));

export function bundleCases(ssot: Ssot): BundleCase[] {
  const edit = (change: (s: SandboxAttestationStatement) => void): SandboxAttestationStatement => {
    const statement = goodStatement(ssot);
    change(statement);
    return statement;
  };
  const first = (s: SandboxAttestationStatement) => {
    const probe = s.predicate.probes[0];
    if (probe === undefined) throw new Error("the fixture SSOT has no probes");
    return probe;
  };
  const wrongActual = (s: SandboxAttestationStatement) => {
    const probe = first(s);
    probe.actual = Object.fromEntries(Object.keys(probe.expected).map((key) => [key, "EDITED"]));
  };
  const day = 86_400_000;
  const good = goodStatement(ssot);

  const editedAfterSigning = signEnvelope(good, TRUSTED.privateKeyPem);
  editedAfterSigning.payload = Buffer.from(JSON.stringify(edit(wrongActual))).toString("base64");
  const badSig = signEnvelope(good, TRUSTED.privateKeyPem);
  badSig.signatures = badSig.signatures.map((s) => ({ ...s, sig: Buffer.alloc(64, 7).toString("base64") }));

  const forged = ["PROBE_NOT_PASS", "VERDICT_FORGED", "VERDICT_MISMATCH", "VERDICT_MISMATCH"];
  const cases: BundleCase[] = [];
  const add = (file: string, title: string, bytes: Buffer, codes: string[], signingRequired = false): void => {
    cases.push({ file, title, bytes, codes: [...codes].sort(), accepted: codes.length === 0, signingRequired });
  };

  add("good-signed.json", "complete bundle, DSSE-signed by the trusted key, signing required", sign(good), [], true);
  add("good-unsigned.json", "complete bare statement, signing not required", json(good), []);
  add("bad-not-json.json", "not JSON", Buffer.from("{ this is not json\n"), ["BUNDLE_JSON"]);
  add("bad-actual-edited-signed.json", "a probe's actual edited after signing", json(editedAfterSigning), ["SIGNATURE_INVALID"]);
  add("bad-actual-edited-unsigned.json", "a probe's actual edited, verdict left PASS", json(edit(wrongActual)), forged);
  add("bad-subject-digest.json", "seccomp profile subject digest changed", json(edit((s) => {
    const subject = s.subject.find((x) => x.name === "seccomp-deny-by-default.json");
    if (subject !== undefined) subject.digest.sha256 = "0".repeat(64);
  })), ["SUBJECT_DIGEST_MISMATCH"]);
  add("bad-venue-mac-local.json", "valid, signed evidence from Mac-local", sign(edit((s) => {
    s.predicate.venue.id = ssot.venues.rejected[0]?.id ?? "MAC_LOCAL";
  })), ["VENUE_REJECTED"]);
  add("bad-venue-unknown.json", "venue id the SSOT does not know", json(edit((s) => {
    s.predicate.venue.id = "V9";
  })), ["VENUE_UNKNOWN"]);
  add("bad-stale.json", "attested before the freshness window", json(edit((s) => {
    s.predicate.attestedAt = new Date(NOW.getTime() - (ssot.sandbox.freshnessDays + 1) * day).toISOString();
  })), ["STALE"]);
  add("bad-future.json", "attested after now + 5 min", json(edit((s) => {
    s.predicate.attestedAt = new Date(NOW.getTime() + day).toISOString();
  })), ["FUTURE"]);
  add("bad-probe-removed.json", "one probe removed", json(edit((s) => {
    s.predicate.probes.shift();
  })), ["PROBE_MISSING", "VERDICT_MISMATCH", "VERDICT_MISMATCH"]);
  add("bad-probe-duplicated.json", "one probe listed twice", json(edit((s) => {
    s.predicate.probes.push(structuredClone(first(s)));
  })), ["PROBE_DUPLICATE", "VERDICT_MISMATCH", "VERDICT_MISMATCH"]);
  add("bad-probe-renamed.json", "a probe id given a suffix (no prefix matching)", json(edit((s) => {
    first(s).id = `${first(s).id}-X`;
  })), ["PROBE_EXTRA", "PROBE_MISSING", "VERDICT_FORGED", "VERDICT_MISMATCH", "VERDICT_MISMATCH"]);
  add("bad-probe-replayed.json", "a probe result spliced in from another run (another nonce), signed", sign(edit((s) => {
    const probe = s.predicate.probes[0];
    if (probe !== undefined) probe.nonce = "01d".padEnd(32, "0");
  })), ["NONCE_MISMATCH", "VERDICT_MISMATCH"]);
  add("bad-verdict-forged.json", "a FAIL result stored as PASS, signed", sign(edit(wrongActual)), forged);
  add("bad-signature.json", "signature bytes replaced", json(badSig), ["SIGNATURE_INVALID"]);
  add("bad-untrusted-key.json", "signed by a key that is not trusted", sign(good, UNTRUSTED.privateKeyPem), ["SIGNATURE_INVALID"]);
  add("bad-unsigned-when-required.json", "bare statement when the SSOT requires signing", json(good), ["SIGNATURE_REQUIRED"], true);
  add("bad-statement-type.json", "_type is the legacy v0.1", json({ ...good, _type: "https://in-toto.io/Statement/v0.1" }), ["STATEMENT_TYPE"]);
  add("bad-predicate-type.json", "predicateType of another predicate", json({ ...good, predicateType: "https://slsa.dev/provenance/v1" }), ["PREDICATE_TYPE"]);
  add("bad-empty-subject.json", "subject list empty", json({ ...good, subject: [] }), [
    "BUNDLE_SCHEMA",
    ...Array.from({ length: 5 }, () => "SUBJECT_MISSING"),
  ]);
  return cases;
}

export const FIXTURE_FILES = {
  dockerfile: { path: "files/Dockerfile.sandbox", bytes: FILES.dockerfile },
  seccompProfile: { path: "files/seccomp-deny-by-default.json", bytes: FILES.seccompProfile },
  probeBundle: { path: "files/probe-entry.js", bytes: FILES.probeBundle },
  syscallHelper: { path: "files/syscall-helper", bytes: FILES.syscallHelper ?? Buffer.alloc(0) },
} as const;

export function manifest(cases: readonly BundleCase[]): string {
  const body = {
    schema: "macro/bundle-fixtures/v1",
    about: "Evidence bundles for `verifyAttestationBundle`: generated by packages/verifier/src/fixtures.test.ts (vitest -u), never hand-edited.",
    now: NOW.toISOString(),
    ssot: "ssot.yaml",
    trustedKeys: ["trusted.pub.pem"],
    files: Object.fromEntries(Object.entries(FIXTURE_FILES).map(([k, v]) => [k, v.path])),
    cases: cases.map(({ file, title, signingRequired, accepted, codes }) => ({ file, title, signingRequired, accepted, codes })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
