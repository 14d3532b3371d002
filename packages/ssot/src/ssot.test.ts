import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { formatSsotError, loadSsot, parseSsot } from "./load.ts";
import { Ssot } from "./ssot.ts";

const macroYaml = fileURLToPath(new URL("../../../macro.yaml", import.meta.url));

async function repoSsot(): Promise<Ssot> {
  const result = await loadSsot(macroYaml);
  if (!result.ok) throw new Error(formatSsotError(result.error));
  return result.value.ssot;
}

/** A fresh mutable copy of the repo SSOT as plain data, for negative cases. */
async function rawSsot(): Promise<Record<string, unknown>> {
  const data: unknown = parse(await readFile(macroYaml, "utf8"));
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw new Error("macro.yaml is not a map");
  return data as Record<string, unknown>;
}

// The check names the machine's guards use; the catalog must raise a blocker for each.
const MACHINE_GUARDS: Record<string, string[]> = {
  "B-SSOT-DRIFT": ["ssotUnchanged"],
  "B-VENUE-REJECTED": ["venueNotRejected"],
  "B4′": ["venueApproved", "hasExecutionSurface", "attestationVerified"],
  "B-CAPABILITY": ["attestCapabilityBuilt", "buildCapabilityBuilt", "testCapabilityBuilt"],
  "B-BUILD": ["buildSucceeded"],
  "B-TESTS": ["testsPassed"],
  "B-BINDING": ["matrixPresent", "allRowsBound"],
  "B-PERSIST": ["persisted"],
};

describe("the repo macro.yaml", () => {
  it("catalogs exactly the machine's guards, each under the right blocker", async () => {
    const ssot = await repoSsot();
    expect(Object.fromEntries(ssot.blockers.map((b) => [b.id, b.guards]))).toEqual(MACHINE_GUARDS);
  });

  it("uses the prime character U+2032 in B4′", async () => {
    const ssot = await repoSsot();
    expect(ssot.blockers.some((b) => b.id === "B4\u2032")).toBe(true);
  });

  it("forbids production mutation, installs and network use", async () => {
    const ssot = await repoSsot();
    expect(ssot.policy.forbiddenSideEffects).toEqual(["production-mutation", "install-or-system-mutation", "network-used"]);
  });

  it("rejects Mac-local before anything else and approves V1/V2 only on Linux with an engine", async () => {
    const ssot = await repoSsot();
    expect(ssot.venues.rejected.map((v) => [v.id, v.match.platform])).toEqual([
      ["MAC_LOCAL", ["darwin"]],
      ["WINDOWS_LOCAL", ["win32"]],
    ]);
    expect(ssot.venues.approved.map((v) => [v.id, v.match, v.requiresEngine])).toEqual([
      ["V1", { platform: ["linux"], ci: false }, true],
      ["V2", { platform: ["linux"], ci: true }, true],
    ]);
  });

  it("lists the 16 probes in order, each with a non-empty expectation", async () => {
    const ssot = await repoSsot();
    expect(ssot.sandbox.probes.map((p) => p.id)).toEqual([
      "P01-FS-ROOT-RO",
      "P02-FS-PROC-MASKED",
      "P03-SYS-MOUNT-DENIED",
      "P04-SYS-USERNS-DENIED",
      "P05-SYS-SECCOMP-SENTINELS",
      "P06-PROC-SECCOMP-FILTER",
      "P07-PROC-NO-NEW-PRIVS",
      "P08-PROC-CAPS-EMPTY",
      "P09-ID-NON-ROOT",
      "P10-NS-NOT-HOST",
      "P11-NET-TOPOLOGY-LO-ONLY",
      "P12-NET-EGRESS-UNREACHABLE",
      "P13-HOST-SOCKETS-AND-MOUNTS",
      "P14-SECRETS-ENV-AND-FILES",
      "P15-KEYRING-EMPTY",
      "P16-CGROUP-LIMITS",
    ]);
    for (const probe of ssot.sandbox.probes) expect(Object.keys(probe.expected).length).toBeGreaterThan(0);
    // YAML must not turn the capability masks into numbers: the probe reports strings.
    expect(ssot.sandbox.probes[7]?.expected["capEff"]).toBe("0000000000000000");
  });

  it("runs the sandbox deny-by-default", async () => {
    const { runFlags, seccompProfile } = (await repoSsot()).sandbox;
    expect(runFlags).toMatchObject({
      rm: true,
      network: "none",
      readOnly: true,
      capDrop: ["ALL"],
      capAdd: [],
      noNewPrivileges: true,
      seccomp: seccompProfile,
      user: "65534:65534",
      mounts: [],
    });
  });

  it("gives every next action runnable commands and a track to resume at", async () => {
    const ssot = await repoSsot();
    for (const blocker of ssot.blockers) {
      for (const action of blocker.nextActions) expect(action.commands.length, `${blocker.id} ${action.step}`).toBeGreaterThan(0);
    }
    const b4 = ssot.blockers.find((b) => b.id === "B4′");
    expect(b4?.nextActions.map((a) => [a.owner, a.resumesAt])).toEqual([
      ["operator", "attest"],
      ["follow-up-agent", "attest"],
      ["builder", "build"],
    ]);
  });
});

describe("Ssot schema", () => {
  it("rejects an unknown top-level key", async () => {
    const data = { ...(await rawSsot()), extra: true };
    const result = parseSsot(data, "macro.yaml");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.issues).toEqual([{ path: "extra", message: "unknown key (the schema is strict)" }]);
  });

  it("rejects a probe expectation with a bad id", async () => {
    const data = await rawSsot();
    const sandbox = data["sandbox"] as { probes: { id: string }[] };
    const first = sandbox.probes[0];
    if (first === undefined) throw new Error("no probes");
    first.id = "probe-1";
    const result = parseSsot(data, "macro.yaml");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.issues.map((i) => i.path)).toEqual(["sandbox.probes[0].id"]);
  });

  it("rejects a venue id used as both approved and rejected", async () => {
    const data = await rawSsot();
    const venues = data["venues"] as { rejected: { id: string }[] };
    const mac = venues.rejected[0];
    if (mac === undefined) throw new Error("no rejected venue");
    mac.id = "V1";
    const result = parseSsot(data, "macro.yaml");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.issues).toEqual([{ path: "venues.rejected[0].id", message: "duplicate venue id V1 (first at venues.approved[0].id)" }]);
  });

  it("rejects one guard raising two blockers", async () => {
    const data = await rawSsot();
    const blockers = data["blockers"] as { guards: string[] }[];
    blockers[1]?.guards.push("ssotUnchanged");
    const result = parseSsot(data, "macro.yaml");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.issues.map((i) => i.path)).toEqual(["blockers[1].guards[1]"]);
  });

  it("rejects fewer than 12 probes", async () => {
    const data = await rawSsot();
    const sandbox = data["sandbox"] as { probes: unknown[] };
    sandbox.probes = sandbox.probes.slice(0, 11);
    const result = parseSsot(data, "macro.yaml");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.issues[0]?.path).toBe("sandbox.probes");
  });
});

describe("numbers in a sane range, settings that can be satisfied", () => {
  const issuesOf = async (mutate: (sandbox: Record<string, unknown>) => void) => {
    const data = await rawSsot();
    mutate(data["sandbox"] as Record<string, unknown>);
    const r = parseSsot(data, "macro.yaml");
    return r.ok ? [] : r.error.issues.map((i) => `${i.path}: ${i.message}`);
  };

  it("refuses freshnessDays past 90 (any bundle would stay fresh)", async () => {
    expect(await issuesOf((s) => (s["freshnessDays"] = 100000))).toEqual([expect.stringMatching(/^sandbox\.freshnessDays: /)]);
    expect(await issuesOf((s) => (s["freshnessDays"] = 90))).toEqual([]);
  });

  it("refuses a memory limit of 0 (no limit), under 16m or over 64g, and pidsLimit past 65536", async () => {
    for (const memory of ["0", "1k", "15m", "65g", "99999999999999999999"]) {
      expect(await issuesOf((s) => ((s["runFlags"] as Record<string, unknown>)["memory"] = memory)), memory).toEqual([expect.stringMatching(/^sandbox\.runFlags\.memory: /)]);
    }
    expect(await issuesOf((s) => ((s["runFlags"] as Record<string, unknown>)["memory"] = "64g"))).toEqual([]);
    expect(await issuesOf((s) => ((s["runFlags"] as Record<string, unknown>)["pidsLimit"] = 1e9))).toEqual([expect.stringMatching(/^sandbox\.runFlags\.pidsLimit: /)]);
  });

  it("refuses signing.required with no trusted key: it could never be satisfied", async () => {
    const issues = await issuesOf((s) => ((s["signing"] as Record<string, unknown>)["required"] = true));
    expect(issues).toEqual([expect.stringMatching(/^sandbox\.signing\.required: .*no key is trusted/)]);
  });
});
