import { describe, expect, it } from "vitest";
import type { Ssot } from "@macro/ssot";
import { FILES, NOW, goodStatement, loadTestSsot } from "./_fixtures.ts";
import { attestationRowEvidence } from "./attest-rows.ts";
import { bindRows, type MatrixRowRef } from "./bind.ts";
import { verifyAttestationBundle } from "./bundle.ts";
import { generateKeyPair, signEnvelope } from "./dsse.ts";

const { ssot } = loadTestSsot();
const KEY = generateKeyPair();
const probeIds = ssot.sandbox.probes.map((p) => p.id);
const rows: MatrixRowRef[] = [
  { id: "#24", track: "attest", tests: [probeIds[0] ?? "P01-X"] },
  { id: "#25", track: "attest", tests: [probeIds[1] ?? "P02-X", probeIds[2] ?? "P03-X"] },
  { id: "#26", track: "attest", tests: ["P99-NOT-IN-THE-BUNDLE"] },
  { id: "#01", track: "test", tests: ["AT-01"] },
];

function verdictFor(edit: (s: ReturnType<typeof goodStatement>) => void = () => {}) {
  const statement = goodStatement(ssot);
  edit(statement);
  const copy: Ssot = structuredClone(ssot);
  copy.sandbox.signing.required = false;
  return verifyAttestationBundle(Buffer.from(JSON.stringify(signEnvelope(statement, KEY.privateKeyPem))), { ssot: copy, files: FILES, trustedKeys: [KEY.publicKeyPem], now: NOW });
}

describe("attestationRowEvidence", () => {
  it("binds sandbox rows to the probes of an accepted bundle by exact id, and nothing else", () => {
    const verdict = verdictFor();
    expect(verdict.accepted).toBe(true);
    const statuses = bindRows(rows, attestationRowEvidence(rows, verdict, "B4′")).map((b) => [b.id, b.status]);
    expect(statuses).toEqual([
      ["#24", "BOUND_PASS"],
      ["#25", "BOUND_PASS"],
      ["#26", "NOT_RUN"],
      ["#01", "NOT_RUN"],
    ]);
  });

  it("blocks every sandbox row when the bundle was rejected, naming the blocker", () => {
    const verdict = verdictFor((s) => {
      s.predicate.venue.id = "MAC_LOCAL";
    });
    const bound = bindRows(rows, attestationRowEvidence(rows, verdict, "B4′"));
    expect(bound.filter((b) => b.status === "BLOCKED").map((b) => b.id)).toEqual(["#24", "#25", "#26"]);
    expect(bound[0]?.blockedBy).toEqual(["B4′"]);
  });

  it("marks the sandbox rows STALE when age is the bundle's only defect", () => {
    const verdict = verdictFor((s) => {
      s.predicate.attestedAt = "2020-01-01T00:00:00Z";
    });
    expect(verdict.reasons.map((r) => r.code)).toEqual(["STALE"]);
    expect(bindRows(rows, attestationRowEvidence(rows, verdict, "B4′")).map((b) => b.status)).toEqual(["STALE", "STALE", "STALE", "NOT_RUN"]);
  });
});
