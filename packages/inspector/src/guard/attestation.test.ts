import { describe, it, expect } from "vitest";
import { checkAttestation } from "./attestation.ts";
import { ATTESTATION_PATH, envelope, fakeContext, RUN_ID, RUN_KEY, runKey, statement } from "./fake-context.ts";

const inputs = (overrides: Record<string, string | undefined> = {}) => ({ attestationFile: ATTESTATION_PATH, attestationKey: RUN_KEY.spki, runId: RUN_ID, ...overrides });
const refused = (attestation: string, code: string, ctxInputs = inputs()) => {
  const verdict = checkAttestation(fakeContext({ attestation, inputs: ctxInputs }));
  expect(verdict).toMatchObject({ ok: false, code });
  return verdict.ok ? "" : verdict.reason;
};

describe("P1 attestation guard", () => {
  it("passes an ATTESTED statement bound to this run, signed by the run's key", () => {
    expect(checkAttestation(fakeContext())).toEqual({ ok: true });
  });

  it("[#38] refuses without an attestation flag or env", () => {
    expect(checkAttestation(fakeContext({ inputs: {} }))).toMatchObject({ ok: false, code: "P1_NO_ATTESTATION" });
  });

  it("[#38] refuses without a key or a run id", () => {
    expect(checkAttestation(fakeContext({ inputs: inputs({ attestationKey: undefined }) }))).toMatchObject({ ok: false, code: "P1_NO_ATTESTATION" });
    expect(checkAttestation(fakeContext({ inputs: inputs({ runId: undefined }) }))).toMatchObject({ ok: false, code: "P1_NO_ATTESTATION" });
  });

  it("[#38] refuses when the named file does not exist", () => {
    expect(checkAttestation(fakeContext({ attestation: null }))).toMatchObject({ ok: false, code: "P1_NO_ATTESTATION" });
  });

  it("takes the file, key and run id from MACRO_ATTESTATION / MACRO_ATTESTATION_KEY / MACRO_RUN_ID when no flags are given", () => {
    const env = { MACRO_ATTESTATION: ATTESTATION_PATH, MACRO_ATTESTATION_KEY: RUN_KEY.spki, MACRO_RUN_ID: RUN_ID };
    expect(checkAttestation(fakeContext({ inputs: {}, env }))).toEqual({ ok: true });
  });

  it("[#39] refuses the four-field statement that used to pass with a caller-chosen digest: unsigned", () => {
    expect(refused(statement(), "P1_ATTESTATION_UNSIGNED")).toMatch(/DSSE envelope/);
  });

  it("[#39] refuses an envelope with no signature, a junk signature, or one by another key", () => {
    const unsigned = JSON.stringify({ ...JSON.parse(envelope(statement())), signatures: [] });
    refused(unsigned, "P1_ATTESTATION_UNSIGNED");
    const junk = JSON.stringify({ ...JSON.parse(envelope(statement())), signatures: [{ sig: "c2ln" }] });
    refused(junk, "P1_ATTESTATION_UNSIGNED");
    refused(envelope(statement(), runKey("someone else")), "P1_ATTESTATION_UNSIGNED");
  });

  it("[#39] refuses a signed envelope whose payload was swapped after signing", () => {
    const signed = JSON.parse(envelope(statement())) as { payload: string };
    signed.payload = Buffer.from(statement({ verdict: "ATTESTED", runId: RUN_ID }).replace("V1", "V2")).toString("base64");
    refused(JSON.stringify(signed), "P1_ATTESTATION_UNSIGNED");
  });

  it("[#39] refuses a key that is not ed25519 SPKI base64", () => {
    expect(refused(envelope(statement()), "P1_ATTESTATION_MISMATCH", inputs({ attestationKey: "not a key!" }))).toMatch(/ed25519/);
  });

  it.each([
    ["a verdict other than ATTESTED", statement({ verdict: "PARTIAL" }), /PARTIAL/],
    ["another run's attestation", statement({ runId: "run-other" }), /run-other/],
    ["another predicate type", statement({ predicateType: "https://slsa.dev/provenance/v1" }), /predicateType/],
    ["a JSON value that is no statement", JSON.stringify({ hello: "world" }), /_type/],
    ["a statement bound to no run", JSON.stringify({ ...JSON.parse(statement()), predicate: { verdict: "ATTESTED", runId: null } }), /no run/],
  ])("[#39] refuses %s even when the run's key signed it", (_label, text, reason) => {
    expect(refused(envelope(text), "P1_ATTESTATION_MISMATCH")).toMatch(reason);
  });

  it.each([
    ["a duplicate verdict key (failing first, passing last)", statement({ verdict: "NOT_ATTESTED" }).replace('"verdict":"NOT_ATTESTED"', '"verdict":"NOT_ATTESTED","verdict":"ATTESTED"'), /duplicate/],
    ["a BOM before the statement", `\ufeff${statement()}`, /byte-order/],
    ["nesting past the bound", statement().replace('"venue":"V1"', `"venue":${"[".repeat(100)}${"]".repeat(100)}`), /nested/],
    ["bytes after the statement", `${statement()} {}`, /JSON/],
  ])("[#39] refuses %s inside a signed payload", (_label, text, reason) => {
    expect(refused(envelope(text), "P1_ATTESTATION_MISMATCH")).toMatch(reason);
  });

  it("[#39] refuses an envelope that carries a second, bare statement beside it", () => {
    const two = envelope(statement({ verdict: "NOT_ATTESTED" }), RUN_KEY, { predicate: { verdict: "ATTESTED", runId: RUN_ID } });
    refused(two, "P1_ATTESTATION_UNSIGNED");
  });

  it("[#39] refuses a non-JSON file and a duplicate key in the envelope itself", () => {
    refused("not json at all", "P1_ATTESTATION_MISMATCH");
    const signed = envelope(statement());
    refused(signed.replace('{"payloadType"', '{"payload":"e30=","payloadType"'), "P1_ATTESTATION_MISMATCH");
  });
});
