import { describe, expect, it } from "vitest";
import type { SandboxAttestationStatement, Ssot } from "@macro/ssot";
import { FILES, NOW, goodStatement, loadTestSsot } from "./_fixtures.ts";
import { verifyAttestationBundle, type BundleContext } from "./bundle.ts";
import { generateKeyPair, signEnvelope } from "./dsse.ts";

const { ssot, source } = loadTestSsot();
const operator = generateKeyPair();
const stranger = generateKeyPair();

function ctx(overrides: { signingRequired?: boolean; trustedKeys?: string[] } = {}): BundleContext {
  const copy: Ssot = structuredClone(ssot);
  copy.sandbox.signing.required = overrides.signingRequired ?? false;
  return { ssot: copy, files: FILES, trustedKeys: overrides.trustedKeys ?? [operator.publicKeyPem], now: NOW };
}

const bare = (statement: object): Buffer => Buffer.from(JSON.stringify(statement));
const signed = (statement: object, key = operator.privateKeyPem): Buffer => Buffer.from(JSON.stringify(signEnvelope(statement, key)));

/** Edits a fresh copy of the good statement. */
function tampered(edit: (s: SandboxAttestationStatement) => void): SandboxAttestationStatement {
  const statement = goodStatement(ssot);
  edit(statement);
  return statement;
}

const codes = (bytes: Buffer, context = ctx()) => {
  const verdict = verifyAttestationBundle(bytes, context);
  expect(verdict.accepted).toBe(false);
  return verdict.reasons.map((r) => r.code);
};

const firstProbe = (s: SandboxAttestationStatement) => {
  const probe = s.predicate.probes[0];
  if (probe === undefined) throw new Error("the test SSOT has no probes");
  return probe;
};

describe(`verifyAttestationBundle (SSOT: ${source})`, () => {
  it("accepts a complete good bundle, signed, with signing required", () => {
    const verdict = verifyAttestationBundle(signed(goodStatement(ssot)), ctx({ signingRequired: true }));
    expect(verdict.reasons).toEqual([]);
    expect(verdict.accepted).toBe(true);
    expect(verdict.signed).toBe(true);
    expect(verdict.venueId).toBe(ssot.venues.approved[0]?.id);
    expect(verdict.statement?.predicate.verdict).toBe("ATTESTED");
  });

  it("never accepts a complete good bundle unsigned, whatever the SSOT says: UNAUTHENTICATED", () => {
    const verdict = verifyAttestationBundle(bare(goodStatement(ssot)), ctx({ signingRequired: false }));
    expect(verdict.reasons.map((r) => r.code)).toEqual(["UNAUTHENTICATED"]);
    expect(verdict.reasons[0]?.message).toContain("macro keygen");
    expect(verdict.accepted).toBe(false);
    expect(verdict.signed).toBe(false);
  });

  it("rejects bytes that are not JSON: JSON_SYNTAX", () => {
    expect(codes(Buffer.from("{not json"))).toEqual(["JSON_SYNTAX"]);
  });

  it("rejects invalid UTF-8 rather than repairing it: JSON_NOT_UTF8", () => {
    const good = signed(goodStatement(ssot));
    const broken = Buffer.concat([good.subarray(0, 20), Buffer.from([0xff, 0xfe]), good.subarray(20)]);
    expect(codes(broken)).toEqual(["JSON_NOT_UTF8"]);
  });

  it("rejects an edited actual value in an unsigned bundle: VERDICT_FORGED", () => {
    const s = tampered((st) => {
      const probe = firstProbe(st);
      probe.actual = { ...probe.actual, tampered: true, [Object.keys(probe.expected)[0] ?? "x"]: "EDITED" };
    });
    expect(codes(signed(s))).toEqual(expect.arrayContaining(["VERDICT_FORGED", "PROBE_NOT_PASS", "VERDICT_MISMATCH"]));
  });

  it("rejects an edited actual value in a signed bundle: SIGNATURE_INVALID", () => {
    const envelope = signEnvelope(goodStatement(ssot), operator.privateKeyPem);
    const edited = tampered((st) => {
      firstProbe(st).actual = { edited: true };
    });
    envelope.payload = Buffer.from(JSON.stringify(edited)).toString("base64");
    const verdict = verifyAttestationBundle(Buffer.from(JSON.stringify(envelope)), ctx());
    expect(verdict.reasons.map((r) => r.code)).toEqual(["SIGNATURE_INVALID"]);
    // The statement is never parsed from bytes that failed verification.
    expect(verdict.statement).toBeNull();
    expect(verdict.accepted).toBe(false);
  });

  it("rejects a changed subject digest: SUBJECT_DIGEST_MISMATCH", () => {
    const s = tampered((st) => {
      const subject = st.subject.find((x) => x.name === "seccomp-deny-by-default.json");
      if (subject !== undefined) subject.digest.sha256 = "0".repeat(64);
    });
    expect(codes(signed(s))).toEqual(["SUBJECT_DIGEST_MISMATCH"]);
  });

  it("rejects a bundle whose local Dockerfile changed since attesting: SUBJECT_DIGEST_MISMATCH", () => {
    const context = { ...ctx(), files: { ...FILES, dockerfile: Buffer.from("FROM scratch\nUSER 0\n") } };
    expect(codes(signed(goodStatement(ssot)), context)).toEqual(["SUBJECT_DIGEST_MISMATCH"]);
  });

  it("rejects a bundle missing the probe-bundle subject: SUBJECT_MISSING", () => {
    const s = tampered((st) => {
      st.subject = st.subject.filter((x) => x.name !== "probe-bundle");
    });
    expect(codes(signed(s))).toEqual(["SUBJECT_MISSING"]);
  });

  it("rejects a duplicated subject: SUBJECT_DUPLICATE", () => {
    const s = tampered((st) => {
      const first = st.subject[1];
      if (first !== undefined) st.subject.push({ ...first, digest: { sha256: "1".repeat(64) } });
    });
    expect(codes(signed(s))).toEqual(expect.arrayContaining(["SUBJECT_DUPLICATE", "SUBJECT_DIGEST_MISMATCH"]));
  });

  it("rejects valid evidence from a rejected venue (Mac-local): VENUE_REJECTED", () => {
    const rejected = ssot.venues.rejected[0]?.id ?? "MAC_LOCAL";
    const s = tampered((st) => {
      st.predicate.venue.id = rejected;
    });
    expect(codes(signed(s))).toEqual(["VENUE_REJECTED"]);
  });

  it("rejects a venue the SSOT does not know: VENUE_UNKNOWN", () => {
    const s = tampered((st) => {
      st.predicate.venue.id = "V1X";
    });
    expect(codes(signed(s))).toEqual(["VENUE_UNKNOWN"]);
  });

  it("rejects a venue that was not classed approved when it attested: VENUE_NOT_APPROVED", () => {
    const s = tampered((st) => {
      st.predicate.venue.class = "unknown";
    });
    expect(codes(signed(s))).toEqual(["VENUE_NOT_APPROVED"]);
  });

  it("rejects an attestation older than freshnessDays: STALE", () => {
    const days = ssot.sandbox.freshnessDays + 1;
    const s = tampered((st) => {
      st.predicate.attestedAt = new Date(NOW.getTime() - days * 86_400_000).toISOString();
    });
    expect(codes(signed(s))).toEqual(["STALE"]);
  });

  it("rejects an attestation dated after now + 5 min skew: FUTURE", () => {
    const s = tampered((st) => {
      st.predicate.attestedAt = new Date(NOW.getTime() + 6 * 60_000).toISOString();
    });
    expect(codes(signed(s))).toEqual(["FUTURE"]);
  });

  it("tolerates clock skew under 5 minutes", () => {
    const s = tampered((st) => {
      st.predicate.attestedAt = new Date(NOW.getTime() + 4 * 60_000).toISOString();
    });
    expect(verifyAttestationBundle(signed(s), ctx()).accepted).toBe(true);
  });

  it("rejects a removed probe: PROBE_MISSING (and the stored summary no longer adds up)", () => {
    const s = tampered((st) => {
      st.predicate.probes.shift();
    });
    expect(codes(signed(s))).toEqual(["PROBE_MISSING", "VERDICT_MISMATCH", "VERDICT_MISMATCH"]);
  });

  it("rejects a duplicated probe: PROBE_DUPLICATE", () => {
    const s = tampered((st) => {
      st.predicate.probes.push(structuredClone(firstProbe(st)));
    });
    expect(codes(signed(s))).toEqual(expect.arrayContaining(["PROBE_DUPLICATE"]));
  });

  it("rejects a renamed probe: PROBE_EXTRA and PROBE_MISSING", () => {
    const s = tampered((st) => {
      const probe = firstProbe(st);
      probe.id = `${probe.id}-X`;
    });
    expect(codes(signed(s))).toEqual(expect.arrayContaining(["PROBE_EXTRA", "PROBE_MISSING"]));
  });

  it("rejects a FAIL result stored as PASS, with a matching forged summary: VERDICT_FORGED", () => {
    const s = tampered((st) => {
      const probe = firstProbe(st);
      probe.actual = Object.fromEntries(Object.keys(probe.expected).map((k) => [k, "WRONG"]));
      // verdict stays PASS and the summary still claims all pass: a consistent forgery.
    });
    expect(codes(signed(s))).toEqual(expect.arrayContaining(["VERDICT_FORGED", "PROBE_NOT_PASS", "VERDICT_MISMATCH"]));
  });

  it("rejects a stored ATTESTED over a probe honestly marked FAIL: VERDICT_MISMATCH", () => {
    const s = tampered((st) => {
      const probe = firstProbe(st);
      probe.actual = Object.fromEntries(Object.keys(probe.expected).map((k) => [k, "WRONG"]));
      probe.verdict = "FAIL";
    });
    expect(codes(signed(s))).toEqual(["PROBE_NOT_PASS", "VERDICT_MISMATCH", "VERDICT_MISMATCH"]);
  });

  it("rejects a bad signature: SIGNATURE_INVALID", () => {
    const envelope = signEnvelope(goodStatement(ssot), operator.privateKeyPem);
    const sig = Buffer.from(envelope.signatures[0]?.sig ?? "", "base64");
    sig[0] = (sig[0] ?? 0) ^ 0xff;
    envelope.signatures = [{ sig: sig.toString("base64") }];
    expect(codes(Buffer.from(JSON.stringify(envelope)))).toEqual(["SIGNATURE_INVALID"]);
  });

  it("rejects a signature by an untrusted key: SIGNATURE_INVALID", () => {
    expect(codes(signed(goodStatement(ssot), stranger.privateKeyPem))).toEqual(["SIGNATURE_INVALID"]);
  });

  it("rejects an unsigned bare statement: UNAUTHENTICATED", () => {
    expect(codes(bare(goodStatement(ssot)), ctx({ signingRequired: true }))).toEqual(["UNAUTHENTICATED"]);
  });

  it("rejects an envelope with an empty signature list: UNAUTHENTICATED", () => {
    const envelope = { ...signEnvelope(goodStatement(ssot), operator.privateKeyPem), signatures: [] };
    expect(codes(Buffer.from(JSON.stringify(envelope)), ctx({ signingRequired: false }))).toEqual(["UNAUTHENTICATED"]);
  });

  it("rejects a wrong _type: STATEMENT_TYPE", () => {
    const s = { ...goodStatement(ssot), _type: "https://in-toto.io/Statement/v0.1" };
    expect(codes(signed(s))).toEqual(["STATEMENT_TYPE"]);
  });

  it("rejects a wrong predicateType: PREDICATE_TYPE", () => {
    const s = { ...goodStatement(ssot), predicateType: "https://slsa.dev/provenance/v1" };
    expect(codes(signed(s))).toEqual(["PREDICATE_TYPE"]);
  });

  it("rejects an empty subject list: BUNDLE_SCHEMA plus every subject missing", () => {
    const s = tampered((st) => {
      st.subject = [];
    });
    const found = codes(signed(s));
    expect(found[0]).toBe("BUNDLE_SCHEMA");
    expect(found.filter((c) => c === "SUBJECT_MISSING")).toHaveLength(5);
  });

  it("rejects a predicate of the wrong shape with path-named BUNDLE_SCHEMA reasons", () => {
    const s = { ...goodStatement(ssot), predicate: { macroId: 42 } };
    const verdict = verifyAttestationBundle(signed(s), ctx());
    expect(verdict.accepted).toBe(false);
    expect(verdict.reasons.every((r) => r.code === "BUNDLE_SCHEMA")).toBe(true);
    expect(verdict.reasons.map((r) => r.path)).toContain("predicate.macroId");
  });

  it("rejects a bundle made for another macro: MACRO_MISMATCH", () => {
    const s = tampered((st) => {
      st.predicate.macroId = "SOME_OTHER_MACRO";
    });
    expect(codes(signed(s))).toEqual(["MACRO_MISMATCH"]);
  });

  it("rejects a bundle made under another SSOT when the caller pins one: SSOT_MISMATCH", () => {
    expect(codes(signed(goodStatement(ssot)), { ...ctx(), ssotSha256: "c".repeat(64) })).toEqual(["SSOT_MISMATCH"]);
  });

  it("rejects a run with weaker flags than the SSOT's profile: RUN_FLAGS_MISMATCH", () => {
    const s = tampered((st) => {
      st.predicate.runFlags = { ...st.predicate.runFlags, network: "host", capDrop: [] };
    });
    const verdict = verifyAttestationBundle(signed(s), ctx());
    // Below the floor too, and the engine record's request no longer matches the flags it claims.
    expect(verdict.reasons.map((r) => r.code)).toEqual(["RUN_FLAGS_MISMATCH", "BELOW_FLOOR", "BELOW_FLOOR", "ENGINE_RECORD_REQUEST"]);
    expect(verdict.reasons[0]?.message).toContain("network, capDrop");
  });

  it("collects every reason instead of stopping at the first", () => {
    const s = tampered((st) => {
      st.predicate.venue.id = "MAC_LOCAL";
      st.predicate.attestedAt = "2020-01-01T00:00:00Z";
      st.predicate.probes.pop();
    });
    const found = codes(bare(s), ctx({ signingRequired: true }));
    expect(found).toEqual(expect.arrayContaining(["UNAUTHENTICATED", "VENUE_REJECTED", "STALE", "PROBE_MISSING"]));
  });

  it("hashes the bundle's raw bytes for the run record", () => {
    const bytes = signed(goodStatement(ssot));
    expect(verifyAttestationBundle(bytes, ctx()).bundleSha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
