import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDirSync } from "@macro/test-utils";
import { engineViewDigest, loadSsot, type LoadedSsot, type SandboxAttestationStatement } from "@macro/ssot";
import { attestationBundleName, buildAttestationStatement, engineViewFor, generateKeyPair, KIT_NONCE, passingResult, sha256Hex, signEnvelope } from "@macro/verifier";
import { readSandboxFiles, sandboxPaths } from "./files.ts";
import { findOperatorBundle } from "./operator-bundle.ts";

const repo = new URL("../../../", import.meta.url).pathname;
const scratch = tempDirSync("macro-operator-bundle-");

const base = await loadSsot(join(repo, "macro.yaml"));
if (!base.ok) throw new Error("macro.yaml does not load");
const operator = generateKeyPair();
writeFileSync(join(scratch, "operator.pub"), operator.publicKeyPem);
const loaded: LoadedSsot = { ...base.value, ssot: { ...base.value.ssot, sandbox: { ...base.value.ssot.sandbox, signing: { required: false, trustedKeys: [join(scratch, "operator.pub")], signingKey: null } } } };
const files = await readSandboxFiles(sandboxPaths(loaded));
const NOW = new Date("2026-11-28T12:00:00Z");

/** What an honest engine records for the SSOT's flags, held equal to the request. */
function engineRecord() {
  const view = engineViewFor(loaded.ssot.sandbox.runFlags, loaded.ssot.sandbox.image, files.seccompProfile);
  return { requested: view, reported: structuredClone(view), reportedSha256: engineViewDigest(view), imageId: `sha256:${"b".repeat(64)}` };
}

function statement(attestedAt: string): SandboxAttestationStatement {
  const ssot = loaded.ssot;
  return buildAttestationStatement({
    macroId: ssot.macro.id,
    ssotSha256: loaded.sha256,
    runId: null,
    venue: { id: "V1", class: "approved", facts: [] },
    attestedAt,
    engine: { kind: "docker", serverVersion: "27" },
    image: { ref: ssot.sandbox.image, id: `sha256:${"b".repeat(64)}` },
    runFlags: ssot.sandbox.runFlags,
    variant: null,
    engineRecord: engineRecord(),
    expectations: ssot.sandbox.probes,
    nonce: KIT_NONCE,
    probes: ssot.sandbox.probes.map(passingResult),
    files,
  });
}

describe("findOperatorBundle: by content, newest by signed time, never by name", () => {
  const reports = join(scratch, "reports");
  spawnSync("mkdir", ["-p", reports]);
  const write = (name: string, bytes: string) => writeFileSync(join(reports, name), bytes);
  const signed = (s: SandboxAttestationStatement) => `${JSON.stringify(signEnvelope(s, operator.privateKeyPem))}\n`;

  it("picks the bundle attested last among those that verify, whatever the names say", async () => {
    const older = signed(statement("2026-11-28T09:00:00Z"));
    const newer = signed(statement("2026-11-28T11:00:00Z"));
    write(attestationBundleName("V1", "2026-11-28T09:00:00Z", null, sha256Hex(older)), older);
    // The newest evidence under a name that sorts first and looks like nothing.
    write("a-returned-file.json", newer);
    // Newer-looking names that are unsigned, or lie about their content: never chosen, and more
    // of them than the five newest names the old lookup examined.
    for (let i = 0; i < 7; i++) write(`sandbox-attestation-evidence-V1-2099-01-0${i + 1}.json`, `${JSON.stringify(statement("2026-11-28T11:30:00Z"))}\n`);
    write(`sandbox-attestation-evidence-V2-2026-11-28-${sha256Hex(older).slice(0, 16)}.json`, older);
    spawnSync("mkfifo", [join(reports, "fifo.json")]);

    const found = await findOperatorBundle(loaded, reports, scratch, NOW);
    expect(found.bundle?.path).toBe("reports/a-returned-file.json");
    expect(found.bundle?.sha256).toBe(sha256Hex(newer));
    const values = found.facts.map((f) => `${f.id}: ${f.value}`);
    expect(values.filter((v) => v.includes("UNAUTHENTICATED"))).toHaveLength(7);
    expect(values.some((v) => v.includes("sandbox-attestation-evidence-V2-") && v.includes("NAME_MISMATCH"))).toBe(true);
  });
});
