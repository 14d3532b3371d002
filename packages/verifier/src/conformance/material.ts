import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import type { JsonValue, ProbeExpectation, ProbeResult, SandboxAttestationStatement, Ssot } from "@macro/ssot";
import { buildAttestationStatement, type SandboxFiles } from "../statement.ts";

/**
 * The conformance kit's material: stand-in boundary files, keys derived from public seeds (they
 * must never be trusted outside the kit: anyone can derive them), a fixed clock, and a good
 * statement built from the SSOT under test, so every case tampers with exactly one thing.
 */
export function kitKey(label: string): { privateKeyPem: string; publicKeyPem: string } {
  const seed = createHash("sha256").update(`macro conformance kit key: ${label}`).digest();
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
  return {
    privateKeyPem: key.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: createPublicKey(key).export({ type: "spki", format: "pem" }).toString(),
  };
}

export const KIT_TRUSTED = kitKey("trusted operator (kit only)");
export const KIT_STRANGER = kitKey("untrusted signer");
export const KIT_RUN = kitKey("ephemeral run key");
export const KIT_RUN_ID = "20261128T090000Z-k1t0";
export const KIT_NOW = new Date("2026-11-28T09:30:00.000Z");
export const KIT_IMAGE_ID = `sha256:${"b".repeat(64)}`;

export const KIT_FILES: SandboxFiles = {
  dockerfile: Buffer.from("FROM scratch\nCOPY rootfs/ /\n"),
  seccompProfile: Buffer.from('{"defaultAction":"SCMP_ACT_ERRNO"}\n'),
  probeBundle: Buffer.from("console.log('probes');\n"),
  syscallHelper: Buffer.from("\u007fELF stand-in for the static syscall helper\n"),
};

/** An actual value that satisfies an expected value, operators included. */
export function satisfying(expected: JsonValue): JsonValue {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    const [op, arg] = Object.entries(expected)[0] ?? [];
    if (op === "$oneOf" && Array.isArray(arg) && arg[0] !== undefined) return arg[0];
    if ((op === "$lte" || op === "$gte") && typeof arg === "number") return arg;
    if (op === "$empty") return [];
  }
  return expected;
}

export function passingResult(expectation: ProbeExpectation): ProbeResult {
  const actual = Object.fromEntries(Object.entries(expectation.expected).map(([k, v]) => [k, satisfying(v)]));
  return { id: expectation.id, title: expectation.title, status: "measured", expected: expectation.expected, actual, verdict: "PASS", evidence: [] };
}

/** A statement that passes every check under `ssot`: an operator's (runId null) or this kit run's. */
export function goodStatement(ssot: Ssot, runId: string | null = null): SandboxAttestationStatement {
  const venue = ssot.venues.approved[0]?.id ?? "V1";
  return buildAttestationStatement({
    macroId: ssot.macro.id,
    ssotSha256: "a".repeat(64),
    runId,
    venue: {
      id: venue,
      class: "approved",
      facts: [
        { id: "platform", value: "linux", source: "os.platform()", observedAt: "2026-11-28T09:00:00Z" },
        { id: "venue.id", value: venue, source: "classifyVenue", observedAt: "2026-11-28T09:00:00Z" },
      ],
    },
    attestedAt: "2026-11-28T09:00:00Z",
    engine: { kind: "docker", serverVersion: "27.3.1" },
    image: { ref: ssot.sandbox.image, id: KIT_IMAGE_ID },
    runFlags: ssot.sandbox.runFlags,
    expectations: ssot.sandbox.probes,
    probes: ssot.sandbox.probes.map(passingResult),
    files: KIT_FILES,
  });
}
