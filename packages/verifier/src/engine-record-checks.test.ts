import { describe, expect, it } from "vitest";
import { engineViewDigest, sha256Of, type SandboxAttestationStatement } from "@macro/ssot";
import { FILES, NOW, goodStatement, loadTestSsot } from "./_fixtures.ts";
import { verifyAttestationBundle } from "./bundle.ts";
import { generateKeyPair, signEnvelope } from "./dsse.ts";

const { ssot } = loadTestSsot();
const operator = generateKeyPair();
const ctx = { ssot, files: FILES, trustedKeys: [operator.publicKeyPem], now: NOW };
const verdictOf = (s: SandboxAttestationStatement) => verifyAttestationBundle(Buffer.from(JSON.stringify(signEnvelope(s, operator.privateKeyPem))), ctx);

function edited(edit: (s: SandboxAttestationStatement) => void): SandboxAttestationStatement {
  const s = goodStatement(ssot);
  edit(s);
  return s;
}
/** Edits the recorded view and keeps its digest consistent, as a cheating producer would. */
const reported = (edit: (v: SandboxAttestationStatement["predicate"]["engineRecord"]["reported"]) => void) =>
  edited((s) => {
    edit(s.predicate.engineRecord.reported);
    s.predicate.engineRecord.reportedSha256 = engineViewDigest(s.predicate.engineRecord.reported);
  });

describe("the engine record and the variant mark in a bundle", () => {
  it("the good statement is accepted, signed", () => {
    expect(verdictOf(goodStatement(ssot)).reasons).toEqual([]);
  });

  it("a variant is never B4′, even signed and with the SSOT's own flags: VARIANT", () => {
    const v = verdictOf(edited((s) => (s.predicate.variant = "seccomp-unconfined")));
    expect(v.accepted).toBe(false);
    expect(v.reasons.map((r) => r.code)).toEqual(["VARIANT"]);
  });

  it("a bundle without the engine record or the variant mark does not parse", () => {
    const v = verdictOf(edited((s) => {
      const p = s.predicate as Partial<typeof s.predicate>;
      delete p.engineRecord;
      delete p.variant;
    }));
    expect(v.reasons.map((r) => r.path)).toEqual(expect.arrayContaining(["predicate.engineRecord", "predicate.variant"]));
  });

  const weakenings: [string, SandboxAttestationStatement, string[]][] = [
    ["a recorded supplementary group", reported((v) => (v.groupAdd = ["998"])), ["ENGINE_RECORD_MISMATCH"]],
    ["a recorded host pid namespace", reported((v) => (v.pidMode = "host")), ["ENGINE_RECORD_MISMATCH"]],
    ["a recorded extra bind", reported((v) => v.mounts.push("bind:/run->/run:ro")), ["ENGINE_RECORD_MISMATCH"]],
    ["a recorded device", reported((v) => v.devices.push("/dev/kmsg->/dev/kmsg:rwm")), ["ENGINE_RECORD_MISMATCH"]],
    ["masked paths cleared", reported((v) => (v.maskedPaths = [])), ["ENGINE_RECORD_MISMATCH"]],
    // The subject then names the allow-all profile the container ran with, not the local file.
    ["a swapped seccomp profile", reported((v) => (v.seccomp = `sha256:${sha256Of("allow-all")}`)), ["ENGINE_RECORD_MISMATCH"]],
    ["the record's digest not its own", edited((s) => (s.predicate.engineRecord.reportedSha256 = "0".repeat(64))), ["ENGINE_RECORD_DIGEST"]],
    ["another image", edited((s) => (s.predicate.engineRecord.imageId = `sha256:${"c".repeat(64)}`)), ["ENGINE_RECORD_IMAGE"]],
    [
      "request and record both weakened alike",
      edited((s) => {
        const r = s.predicate.engineRecord;
        r.requested.capAdd = ["SYS_ADMIN"];
        r.reported.capAdd = ["SYS_ADMIN"];
        r.reportedSha256 = engineViewDigest(r.reported);
      }),
      ["ENGINE_RECORD_REQUEST"],
    ],
    [
      "request and record both name another seccomp profile",
      edited((s) => {
        const r = s.predicate.engineRecord;
        r.requested.seccomp = r.reported.seccomp = `sha256:${sha256Of("weaker")}`;
        r.reportedSha256 = engineViewDigest(r.reported);
        const subject = s.subject.find((x) => x.name === "seccomp-deny-by-default.json");
        if (subject !== undefined) subject.digest.sha256 = sha256Of("weaker");
      }),
      ["ENGINE_RECORD_REQUEST", "SUBJECT_DIGEST_MISMATCH"],
    ],
  ];
  it.each(weakenings)("%s is rejected", (_name, statement, want) => {
    const v = verdictOf(statement);
    expect(v.accepted).toBe(false);
    expect(v.reasons.map((r) => r.code).sort()).toEqual([...want].sort());
  });

  it("the seccomp subject of a good bundle is the recorded profile's digest", () => {
    const s = goodStatement(ssot);
    const subject = s.subject.find((x) => x.name === "seccomp-deny-by-default.json");
    expect(`sha256:${subject?.digest.sha256 ?? ""}`).toBe(s.predicate.engineRecord.reported.seccomp);
  });
});
