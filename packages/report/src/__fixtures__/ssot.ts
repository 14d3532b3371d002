import { Ssot, type Blocker, type SideEffect, type TrackId, type TrackRecord } from "@macro/ssot";
import type { PacketInput } from "../packet/build.ts";
import { packetFileNames } from "../packet/write.ts";

/**
 * A minimal but realistic SSOT owned by this package's tests, so they never depend on the
 * repo's macro.yaml being written yet. Parsed with the real schema: if the contract moves,
 * these tests fail loudly instead of testing a stale shape.
 */
const probe = (n: number, name: string, title: string, expected: Record<string, string | boolean | number>) => ({
  id: `P${String(n).padStart(2, "0")}-${name}`,
  title,
  expected,
});

export const ssotFixture: Ssot = Ssot.parse({
  version: 1,
  macro: {
    id: "PROGRAM_MACRO_CLOSE_PHASE2_OFFLINE_MVP_END_TO_END",
    title: "Phase-2 Offline MVP End-to-End Execution Path",
    date: "2026-06-09",
  },
  policy: {
    forbiddenSideEffects: ["production-mutation", "install-or-system-mutation", "network-used"],
  },
  venues: {
    approved: [
      {
        id: "V1",
        title: "Throwaway --rm container on a server's Docker runtime",
        description: "A disposable container on the already-deployed server runtime; never a production container.",
        match: { platform: ["linux"], ci: false },
        requiresEngine: true,
      },
      {
        id: "V2",
        title: "Approved deny-by-default CI runner",
        description: "A CI runner listed by the owner.",
        match: { ci: true, ciNames: ["GitHub Actions"] },
        requiresEngine: true,
      },
    ],
    rejected: [
      { id: "MAC_LOCAL", title: "Mac-local", match: { platform: ["darwin"] }, reason: "Owner direction: venue confusion." },
    ],
  },
  sandbox: {
    image: "tki-inspector:attest",
    dockerfile: "packages/sandbox/Dockerfile.sandbox",
    seccompProfile: "packages/sandbox/seccomp-deny-by-default.json",
    runFlags: {
      rm: true,
      network: "none",
      readOnly: true,
      capDrop: ["ALL"],
      noNewPrivileges: true,
      seccomp: "packages/sandbox/seccomp-deny-by-default.json",
      user: "65534:65534",
      pidsLimit: 64,
      memory: "256m",
      tmpfs: null,
    },
    freshnessDays: 7,
    signing: { required: false, trustedKeys: [], signingKey: null },
    probes: [
      probe(1, "FS-ROOT-RO", "Root filesystem is read-only", { errno: "EROFS" }),
      probe(2, "USER-NONROOT", "Runs as uid 65534", { uid: 65534 }),
      probe(3, "NO-NEW-PRIVS", "no_new_privs is set", { noNewPrivs: true }),
      probe(4, "CAPS-EMPTY", "Effective capabilities are empty", { capEff: "0000000000000000" }),
      probe(5, "SECCOMP-FILTER", "Seccomp filter mode", { seccomp: 2 }),
      probe(6, "NET-LO-ONLY", "Only the loopback interface exists", { interfaces: "lo" }),
      probe(7, "MOUNT-DENIED", "mount(2) is denied", { errno: "EPERM" }),
      probe(8, "UNSHARE-DENIED", "unshare(2) is denied", { errno: "EPERM" }),
      probe(9, "KEYCTL-DENIED", "keyctl(2) is denied", { errno: "EPERM" }),
      probe(10, "PTRACE-DENIED", "ptrace(2) is denied", { errno: "EPERM" }),
      probe(11, "BPF-DENIED", "bpf(2) is denied", { errno: "EPERM" }),
      probe(12, "NO-DOCKER-SOCK", "No container runtime socket is reachable", { dockerSock: false }),
    ],
  },
  matrix: { path: "matrix.yaml", rows: 45 },
  owners: {
    operator: { name: "Ops on-call", contact: "ops@example.invalid", responsibilities: "Provisions venues and runs attestations." },
    owner: { name: "Product owner", responsibilities: "Approves venues and waivers." },
    builder: { name: "builder agent", responsibilities: "Builds the MVP once B4′ is accepted." },
  },
  blockers: [
    {
      id: "B4′",
      title: "No approved venue can run the deny-by-default sandbox",
      class: ["OWNER_OPERATOR_REQUIRED"],
      owner: "operator",
      guards: ["hasExecutionSurface", "attestationPassed"],
      why: "The sandbox boundary can only be attested by running the probes inside a real deny-by-default container on an approved venue.",
      doesNotBlock: ["authoring design and blocker documents", "reading the SSOT"],
      nextActions: [
        {
          step: "A — provision + attest B4′",
          owner: "operator",
          action: "On <venue> only, build the offline image and run the probes in one throwaway container.",
          commands: ["pnpm macro attest --venue <venue>", "sha256sum reports/sandbox-attestation-evidence-<venue>-<date>.json"],
          returns: { what: "the attestation evidence bundle", where: "reports/sandbox-attestation-evidence-<venue>-<date>.json" },
          acceptance: "`macro verify` exits 0 for the bundle and every probe is PASS",
          resumesAt: "attest",
        },
        {
          step: "B — verify",
          owner: "follow-up-agent",
          action: "Verify the returned bundle read-only and resume run <runId>.",
          commands: ["pnpm macro verify <bundle>", "pnpm macro resume <runId>"],
          returns: { what: "verification result", where: "reports/" },
          acceptance: "every probe actual == expected | bound to rows #24–#37",
          resumesAt: "attest",
        },
      ],
      fallback: "If neither V1 nor V2 can be provisioned, the build stays BLOCKED and this escalates to the owner as a resource constraint.",
    },
    {
      id: "MATRIX_UNBOUND",
      title: "A matrix row has no evidence",
      class: ["MISSING_EVIDENCE"],
      owner: "builder",
      guards: ["everyRowBound"],
      why: "Green requires every row bound to evidence.",
      doesNotBlock: [],
      nextActions: [
        {
          step: "A — bind",
          owner: "builder",
          action: "Produce the missing evidence.",
          commands: ["pnpm macro run"],
          returns: { what: "evidence", where: "reports/evidence.intoto.jsonl" },
          acceptance: "every row BOUND_PASS",
          resumesAt: "bind",
        },
      ],
      fallback: "None: the run stays blocked.",
    },
  ],
});

export const NOW = "2026-06-10T08:59:00.000Z";

/** Track records for a run that stopped at `at`: earlier tracks passed, later ones never ran. */
export function tracksStoppedAt(at: TrackId): TrackRecord[] {
  const order: TrackId[] = ["ssot", "venue", "attest", "build", "test", "bind", "persist"];
  const stop = order.indexOf(at);
  return order.map((id, i) => ({
    id,
    status: i < stop ? "passed" : i === stop ? "blocked" : "not-run",
    startedAt: i <= stop ? NOW : null,
    finishedAt: i <= stop ? NOW : null,
    durationMs: i <= stop ? 1 : null,
    evidence: i < stop ? [`${id}-evidence`] : [],
  }));
}

/** B4′ as the venue track raises it when no engine can create containers. */
export const noEngineBlocker: Blocker = {
  id: "B4′",
  track: "venue",
  guard: "hasExecutionSurface",
  class: ["OWNER_OPERATOR_REQUIRED", "NO_EXECUTION_SURFACE"],
  reason: "no container engine on this host can create containers (docker: not reachable; podman: client not found)",
  facts: [
    { id: "venue.platform", value: "linux", source: "os.platform()", observedAt: NOW },
    { id: "engine.docker.reachable", value: false, source: "docker version --format json (unix:///var/run/docker.sock)", observedAt: NOW },
    { id: "engine.podman.clientFound", value: false, source: "PATH lookup for podman", observedAt: NOW },
    { id: "venue.ci", value: false, source: "ci-info isCI", observedAt: NOW },
  ],
  missingCapability: null,
};

export const quietEffects: SideEffect[] = [
  { kind: "file-written", detail: "reports/venue-facts.json", at: NOW },
];

/** 45 rows: #24–#37 are the sandbox rows (attest), the rest split over test and bind. */
export const matrixRowsFixture: { id: string; track: TrackId }[] = Array.from({ length: 45 }, (_, i) => {
  const n = i + 1;
  const id = `#${String(n).padStart(2, "0")}`;
  const track: TrackId = n >= 24 && n <= 37 ? "attest" : n >= 42 ? "bind" : "test";
  return { id, track };
});

const SSOT_SHA = "a".repeat(64);

/** A complete PacketInput for the B4′ no-engine case; override any field. */
export function packetInput(over: Partial<PacketInput> = {}): PacketInput {
  const runId = over.runId ?? "run-2026-06-10-7f3c";
  const names = packetFileNames(over.blocker?.id ?? "B4′", runId);
  return {
    runId,
    now: NOW,
    ssot: ssotFixture,
    ssotPath: "macro.yaml",
    ssotSha256: SSOT_SHA,
    tracks: tracksStoppedAt("venue"),
    blocker: noEngineBlocker,
    sideEffects: quietEffects,
    matrixRows: matrixRowsFixture,
    previous: null,
    venueId: null,
    paths: { markdown: `checkpoints/${names.markdown}`, json: `reports/${names.json}` },
    ...over,
  };
}
