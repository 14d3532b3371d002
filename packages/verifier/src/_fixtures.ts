// Test support only (not exported from index.ts): a realistic SSOT and a good bundle to tamper with.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import {
  Ssot,
  engineViewDigest,
  type EngineView,
  type ProbeExpectation,
  type ProbeResult,
  type RunFlags,
} from "@macro/ssot";
import { buildAttestationStatement, type SandboxFiles } from "./statement.ts";
import { engineViewFor, satisfying } from "./conformance/material.ts";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const CANDIDATES = ["macro.yaml", "fixtures/ssot/valid.yaml"];

/** The repo's own SSOT when it exists and parses; otherwise a minimal one, so tests never wait on it. */
export function loadTestSsot(): { ssot: Ssot; source: string } {
  for (const name of CANDIDATES) {
    const path = REPO + name;
    if (!existsSync(path)) continue;
    const parsed = Ssot.safeParse(parse(readFileSync(path, "utf8")));
    if (parsed.success) return { ssot: parsed.data, source: name };
  }
  return { ssot: minimalSsot(), source: "in-test minimal SSOT" };
}

function minimalSsot(): Ssot {
  const probes = Array.from({ length: 12 }, (_, i) => ({
    id: `P${String(i + 1).padStart(2, "0")}-TEST-PROBE`,
    title: `test probe ${i + 1}`,
    expected: { denied: true, errno: "EPERM" },
  }));
  return Ssot.parse({
    version: 1,
    macro: { id: "TEST_MACRO", title: "test macro", date: "2026-11-28" },
    policy: { forbiddenSideEffects: ["production-mutation"] },
    venues: {
      approved: [{ id: "V1", title: "VPS", description: "throwaway container", match: { platform: ["linux"] }, requiresEngine: true }],
      rejected: [{ id: "MAC_LOCAL", title: "Mac", match: { platform: ["darwin"] }, reason: "venue confusion" }],
    },
    sandbox: {
      image: "tki-inspector:attest",
      dockerfile: "packages/sandbox/Dockerfile.sandbox",
      seccompProfile: "packages/sandbox/seccomp-deny-by-default.json",
      runFlags: {
        rm: true, network: "none", readOnly: true, capDrop: ["ALL"], noNewPrivileges: true,
        seccomp: "packages/sandbox/seccomp-deny-by-default.json", user: "65534:65534",
        pidsLimit: 64, memory: "256m", tmpfs: null,
      },
      freshnessDays: 7,
      signing: { required: false, trustedKeys: [], signingKey: null },
      probes,
    },
    matrix: { path: "matrix.yaml", rows: 45 },
    owners: {
      operator: { name: "op", responsibilities: "runs attest" },
      owner: { name: "owner", responsibilities: "approves" },
      builder: { name: "builder", responsibilities: "builds" },
    },
    blockers: [
      {
        id: "B4", title: "no attestation", class: ["MISSING_EVIDENCE"], owner: "operator", guards: ["attested"],
        why: "no evidence", doesNotBlock: [], fallback: "use V2",
        nextActions: [{
          step: "A", owner: "operator", action: "attest", commands: ["pnpm macro attest"],
          returns: { what: "bundle", where: "reports/" }, acceptance: "verify passes", resumesAt: "attest",
        }],
      },
    ],
  });
}

export { satisfying };

/** The nonce the fixtures' attester issued. */
export const NONCE = "5eed".repeat(8);

export function passingResult(expectation: ProbeExpectation): ProbeResult {
  const actual = Object.fromEntries(Object.entries(expectation.expected).map(([k, v]) => [k, satisfying(v)]));
  return { id: expectation.id, title: expectation.title, status: "measured", expected: expectation.expected, actual, verdict: "PASS", evidence: [], nonce: NONCE };
}

export const FILES: SandboxFiles = {
  dockerfile: Buffer.from("FROM scratch\nCOPY rootfs/ /\n"),
  seccompProfile: Buffer.from('{"defaultAction":"SCMP_ACT_ERRNO"}\n'),
  probeBundle: Buffer.from("console.log('probes');\n"),
  // Text stand-ins, so the committed fixture copies stay readable and diffable.
  syscallHelper: Buffer.from("\u007fELF stand-in for the static syscall helper\n"),
};

export const NOW = new Date("2026-11-28T09:30:00Z");

/** The engine record an honest engine yields for these flags (what @macro/sandbox builds on a venue). */
export function fixtureView(flags: RunFlags, image: string): EngineView {
  return engineViewFor(flags, image, FILES.seccompProfile);
}

export function goodStatement(ssot: Ssot) {
  const view = fixtureView(ssot.sandbox.runFlags, ssot.sandbox.image);
  return buildAttestationStatement({
    macroId: ssot.macro.id,
    ssotSha256: "a".repeat(64),
    runId: "run-1",
    venue: {
      id: ssot.venues.approved[0]?.id ?? "V1",
      class: "approved",
      facts: [{ id: "platform", value: "linux", source: "os.platform()", observedAt: "2026-11-28T09:00:00Z" }],
    },
    attestedAt: "2026-11-28T09:00:00Z",
    engine: { kind: "docker", serverVersion: "27.3.1" },
    image: { ref: ssot.sandbox.image, id: `sha256:${"b".repeat(64)}` },
    runFlags: ssot.sandbox.runFlags,
    variant: null,
    engineRecord: { requested: view, reported: structuredClone(view), reportedSha256: engineViewDigest(view), imageId: `sha256:${"b".repeat(64)}` },
    expectations: ssot.sandbox.probes,
    nonce: NONCE,
    probes: ssot.sandbox.probes.map(passingResult),
    files: FILES,
  });
}
