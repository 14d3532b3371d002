import { seccompDigest } from "@macro/ssot";
import { describe, expect, it } from "vitest";
import { InTotoStatement, SandboxAttestationStatement, SANDBOX_SUBJECTS } from "@macro/ssot";
import { FILES, goodStatement, loadTestSsot } from "./_fixtures.ts";
import { sha256Hex } from "./hash.ts";
import { buildAttestationStatement, imageDigest, sandboxSubjects } from "./statement.ts";

const { ssot } = loadTestSsot();

describe("buildAttestationStatement", () => {
  it("builds a Statement v1 that the contracts accept, with ATTESTED and an all-pass summary", () => {
    const statement = goodStatement(ssot);
    expect(InTotoStatement.safeParse(statement).success).toBe(true);
    expect(SandboxAttestationStatement.safeParse(statement).success).toBe(true);
    expect(statement.predicate.verdict).toBe("ATTESTED");
    expect(statement.predicate.summary).toEqual({ pass: ssot.sandbox.probes.length, fail: 0, inconclusive: 0, notRunUnsafe: 0, error: 0 });
  });

  it("names each file subject by the sha256 of its raw bytes", () => {
    const digests = Object.fromEntries(goodStatement(ssot).subject.map((s) => [s.name, s.digest.sha256]));
    expect(digests).toEqual({
      [SANDBOX_SUBJECTS.image]: "b".repeat(64),
      [SANDBOX_SUBJECTS.dockerfile]: sha256Hex(FILES.dockerfile),
      // The profile the container ran with, as the engine recorded it: its canonical JSON's digest.
      [SANDBOX_SUBJECTS.seccompProfile]: seccompDigest(FILES.seccompProfile),
      [SANDBOX_SUBJECTS.probeBundle]: sha256Hex(FILES.probeBundle),
      [SANDBOX_SUBJECTS.syscallHelper]: sha256Hex(FILES.syscallHelper ?? Buffer.alloc(0)),
    });
  });

  it("leaves the helper subject out when there is no helper", () => {
    const names = sandboxSubjects("sha256:" + "b".repeat(64), { ...FILES, syscallHelper: null }, "unconfined").map((s) => s.name);
    expect(names).not.toContain(SANDBOX_SUBJECTS.syscallHelper);
    expect(names).toHaveLength(4);
  });

  it("uses the image id's digest when it has one, else a digest of the id string", () => {
    expect(imageDigest(`sha256:${"c".repeat(64)}`)).toBe("c".repeat(64));
    expect(imageDigest("tki-inspector:attest@local")).toBe(sha256Hex("tki-inspector:attest@local"));
  });

  it("writes NOT_ATTESTED when a probe fails, even if the probe itself claims PASS", () => {
    const good = goodStatement(ssot).predicate;
    const probes = good.probes.map((p, i) => (i === 0 ? { ...p, actual: { wrong: true } } : p));
    const statement = buildAttestationStatement({
      ...good,
      venue: good.venue,
      expectations: ssot.sandbox.probes,
      probes,
      files: FILES,
    });
    expect(statement.predicate.verdict).toBe("NOT_ATTESTED");
    expect(statement.predicate.summary.fail).toBe(1);
    expect(statement.predicate.probes[0]?.verdict).toBe("PASS"); // the evidence is kept as given
  });
});
