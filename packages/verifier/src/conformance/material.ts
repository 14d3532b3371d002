import { createHash, createPrivateKey, createPublicKey } from "node:crypto";
import {
  ENGINE_DEFAULT_MASKED_PATHS,
  ENGINE_DEFAULT_PATH_ENV,
  ENGINE_DEFAULT_READONLY_PATHS,
  engineViewDigest,
  seccompDigest,
  sha256Of,
  sizeBytes,
  type EngineView,
  type JsonValue,
  type ProbeExpectation,
  type ProbeResult,
  type RunFlags,
  type SandboxAttestationStatement,
  type Ssot,
} from "@macro/ssot";
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
    if (op === "$set" && Array.isArray(arg)) return arg;
  }
  return expected;
}

/** The nonce the kit's attester issued. */
export const KIT_NONCE = "c0ffee".repeat(5).padEnd(32, "0");

export function passingResult(expectation: ProbeExpectation): ProbeResult {
  const actual = Object.fromEntries(Object.entries(expectation.expected).map(([k, v]) => [k, satisfying(v)]));
  return { id: expectation.id, title: expectation.title, status: "measured", expected: expectation.expected, actual, verdict: "PASS", evidence: [], nonce: KIT_NONCE };
}

/** The engine record an honest engine yields for these flags (what @macro/sandbox builds on a venue). */
export function engineViewFor(flags: RunFlags, image: string, seccompProfile: Uint8Array): EngineView {
  const memory = flags.memory === null ? 0 : (sizeBytes(flags.memory) ?? 0);
  const colon = flags.tmpfs?.indexOf(":") ?? -1;
  const pathValue = ENGINE_DEFAULT_PATH_ENV.slice(ENGINE_DEFAULT_PATH_ENV.indexOf("=") + 1);
  return {
    image, cmd: ["/opt/macro/probe-entry.cjs"], user: flags.user,
    env: [`PATH=sha256:${sha256Of(pathValue)}`, ...Object.entries(flags.env).map(([k, v]) => `${k}=sha256:${sha256Of(v)}`)].sort(),
    networkMode: flags.network, networkDisabled: flags.network === "none",
    pidMode: "", ipcMode: "private", utsMode: "", usernsMode: "", cgroupnsMode: "private", cgroup: "", privileged: false,
    capAdd: [...flags.capAdd].sort(), capDrop: [...flags.capDrop].sort(), noNewPrivileges: flags.noNewPrivileges,
    seccomp: `sha256:${seccompDigest(seccompProfile) ?? ""}`, securityOpt: [], readonlyRootfs: flags.readOnly,
    mounts: flags.mounts.map((m) => `bind:/venue/${m.source}->${m.target}:${m.readOnly ? "ro" : "rw"}`).sort(),
    tmpfs: flags.tmpfs === null ? {} : colon === -1 ? { [flags.tmpfs]: "" } : { [flags.tmpfs.slice(0, colon)]: flags.tmpfs.slice(colon + 1) },
    groupAdd: [], devices: [], deviceCgroupRules: [], deviceRequests: 0, pidsLimit: flags.pidsLimit, memory, memorySwap: memory,
    nanoCpus: 0, cpuShares: 0, cpuQuota: 0, cpuPeriod: 0, cpusetCpus: "",
    maskedPaths: [...ENGINE_DEFAULT_MASKED_PATHS], readonlyPaths: [...ENGINE_DEFAULT_READONLY_PATHS],
    sysctls: {}, ulimits: [], oomKillDisable: false, volumesFrom: [], links: [], extraHosts: [], restartPolicy: "no",
    autoRemove: true, cgroupParent: "", volumes: [], capabilities: null,
  };
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
    variant: null,
    engineRecord: (() => {
      const view = engineViewFor(ssot.sandbox.runFlags, ssot.sandbox.image, KIT_FILES.seccompProfile);
      return { requested: view, reported: structuredClone(view), reportedSha256: engineViewDigest(view), imageId: KIT_IMAGE_ID };
    })(),
    expectations: ssot.sandbox.probes,
    nonce: KIT_NONCE,
    probes: ssot.sandbox.probes.map(passingResult),
    files: KIT_FILES,
  });
}
