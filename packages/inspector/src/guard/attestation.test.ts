import { describe, it, expect } from "vitest";
import { checkAttestation } from "./attestation.ts";
import { ATTESTATION_PATH, fakeContext, RUN_ID, sha256, statement } from "./fake-context.ts";

describe("P1 attestation guard", () => {
  it("passes a matching ATTESTED statement bound to this run", () => {
    expect(checkAttestation(fakeContext())).toEqual({ ok: true });
  });

  it("[#38] refuses without an attestation flag or env", () => {
    const verdict = checkAttestation(fakeContext({ inputs: {} }));
    expect(verdict).toMatchObject({ ok: false, code: "P1_NO_ATTESTATION" });
  });

  it("[#38] refuses without a digest or a run id", () => {
    const noDigest = fakeContext({ inputs: { attestationFile: ATTESTATION_PATH, runId: RUN_ID } });
    expect(checkAttestation(noDigest)).toMatchObject({ ok: false, code: "P1_NO_ATTESTATION" });
    const digest = sha256(statement());
    const noRun = fakeContext({ inputs: { attestationFile: ATTESTATION_PATH, attestationSha256: digest } });
    expect(checkAttestation(noRun)).toMatchObject({ ok: false, code: "P1_NO_ATTESTATION" });
  });

  it("[#38] refuses when the named file does not exist", () => {
    const verdict = checkAttestation(fakeContext({ attestation: null }));
    expect(verdict).toMatchObject({ ok: false, code: "P1_NO_ATTESTATION" });
  });

  it("takes the file, digest and run id from MACRO_ATTESTATION* / MACRO_RUN_ID when no flags are given", () => {
    const env = { MACRO_ATTESTATION: ATTESTATION_PATH, MACRO_ATTESTATION_SHA256: sha256(statement()), MACRO_RUN_ID: RUN_ID };
    expect(checkAttestation(fakeContext({ inputs: {}, env }))).toEqual({ ok: true });
  });

  it("[#39] refuses a file whose sha256 differs from the given digest", () => {
    const ctx = fakeContext({
      inputs: { attestationFile: ATTESTATION_PATH, attestationSha256: sha256("something else"), runId: RUN_ID },
    });
    expect(checkAttestation(ctx)).toMatchObject({ ok: false, code: "P1_ATTESTATION_MISMATCH" });
  });

  it("[#39] refuses a digest that is not sha256 hex", () => {
    const ctx = fakeContext({ inputs: { attestationFile: ATTESTATION_PATH, attestationSha256: "abc", runId: RUN_ID } });
    expect(checkAttestation(ctx)).toMatchObject({ ok: false, code: "P1_ATTESTATION_MISMATCH" });
  });

  it("accepts an upper-case digest of the same bytes", () => {
    const ctx = fakeContext({
      inputs: { attestationFile: ATTESTATION_PATH, attestationSha256: sha256(statement()).toUpperCase(), runId: RUN_ID },
    });
    expect(checkAttestation(ctx)).toEqual({ ok: true });
  });

  it.each([
    ["a verdict other than ATTESTED", statement({ verdict: "PARTIAL" }), /PARTIAL/],
    ["another run's attestation", statement({ runId: "run-other" }), /run-other/],
    ["another predicate type", statement({ predicateType: "https://slsa.dev/provenance/v1" }), /predicateType/],
    ["a non-JSON file", "not json at all", /JSON/],
    ["a JSON value that is no statement", JSON.stringify({ hello: "world" }), /_type/],
  ])("[#39] refuses %s even when its digest matches", (_label, text, reason) => {
    const verdict = checkAttestation(fakeContext({ attestation: text }));
    expect(verdict).toMatchObject({ ok: false, code: "P1_ATTESTATION_MISMATCH" });
    expect(verdict.ok ? "" : verdict.reason).toMatch(reason);
  });
});

describe("P1 attestation guard: bundle forms", () => {
  const envelope = (payload: string): string =>
    JSON.stringify({
      payloadType: "application/vnd.in-toto+json",
      payload: Buffer.from(payload).toString("base64"),
      signatures: [{ sig: "c2ln" }],
    });

  it("accepts the Statement inside a DSSE envelope (the verifier checked the signature)", () => {
    expect(checkAttestation(fakeContext({ attestation: envelope(statement()) }))).toEqual({ ok: true });
  });

  it("[#39] refuses an envelope whose Statement belongs to another run", () => {
    const verdict = checkAttestation(fakeContext({ attestation: envelope(statement({ runId: "run-other" })) }));
    expect(verdict).toMatchObject({ ok: false, code: "P1_ATTESTATION_MISMATCH" });
  });

  it("[#39] refuses a statement bound to no run (runId null)", () => {
    const unbound = JSON.stringify({ ...JSON.parse(statement()), predicate: { verdict: "ATTESTED", runId: null } });
    const verdict = checkAttestation(fakeContext({ attestation: unbound }));
    expect(verdict).toMatchObject({ ok: false, code: "P1_ATTESTATION_MISMATCH" });
    expect(verdict.ok ? "" : verdict.reason).toContain("no run");
  });
});
