import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanup, listFiles, macro, type CliRun } from "./harness.ts";
import { deferCleanup, ownerLabelArgs, tempDirSync } from "@macro/test-utils";

// Real Docker where an engine answers (CI starts one); otherwise reported skipped with the reason.
const engine = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8" }).status === 0;
const withEngine = { DOCKER_HOST: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock" };
const runs: CliRun[] = [];
afterAll(() => runs.forEach(cleanup));

interface AttestJson {
  attested: boolean;
  bundle: string;
  probes: { id: string; verdict: string }[];
  sideEffects: { kind: string; detail: string }[];
}

function attest(args: string[] = []): { run: CliRun; json: AttestJson } {
  const run = macro(["attest", "--json", ...args], withEngine);
  runs.push(run);
  return { run, json: JSON.parse(run.stdout || "{}") as AttestJson };
}

/** Every reason code of `macro verify --json`. */
const codes = (stdout: string): string[] => (JSON.parse(stdout) as { checks: { reasons: { code: string }[] }[] }).checks.flatMap((c) => c.reasons.map((r) => r.code));

/** The containers this attest run created that still exist (other suites run containers concurrently). */
function leftovers(json: AttestJson): string[] {
  const created = json.sideEffects.filter((e) => e.kind === "container-created").map((e) => e.detail.split(/\s/)[0] ?? "");
  expect(created.length).toBeGreaterThan(0);
  const all = spawnSync("docker", ["ps", "-a", "--format", "{{.Names}}"], { encoding: "utf8" }).stdout.split("\n");
  return created.filter((name) => all.includes(name));
}

describe.skipIf(!engine)("macro attest on a real engine (skipped: no container engine)", () => {
  it("passes every probe in one container run, leaves no container; unsigned, verify never accepts the bundle (UNAUTHENTICATED)", () => {
    const { run, json } = attest();
    expect(run.status, run.stderr).toBe(0);
    expect(json.attested).toBe(true);
    expect(json.probes.length).toBeGreaterThanOrEqual(12);
    expect(json.probes.every((p) => p.verdict === "PASS")).toBe(true);
    expect(leftovers(json)).toEqual([]);
    expect(json.bundle).toMatch(/sandbox-attestation-evidence-V1-\d{4}-\d{2}-\d{2}-[0-9a-f]{16}\.json$/);

    const verify = macro(["verify", json.bundle, "--json"], withEngine, join(run.reports, ".."));
    expect(verify.status, verify.stdout).toBe(3);
    expect(codes(verify.stdout)).toEqual(["UNAUTHENTICATED"]);
  });

  it("a bundle with one actual edited is rejected with its reason, and verify writes nothing", () => {
    const { run, json } = attest();
    expect(run.status).toBe(0);
    const bundle = JSON.parse(readFileSync(json.bundle, "utf8")) as { predicate: { probes: { actual: Record<string, unknown> }[] } };
    const first = bundle.predicate.probes[0];
    if (first === undefined) throw new Error("no probes in bundle");
    first.actual = { ...first.actual, writeErrno: "none" };
    const tampered = join(run.reports, "tampered.json");
    writeFileSync(tampered, JSON.stringify(bundle));
    const before = listFiles(run.reports);
    const verify = macro(["verify", tampered, "--json"], withEngine, join(run.reports, ".."));
    expect(verify.status).toBe(3);
    expect(codes(verify.stdout)).toContain("PROBE_NOT_PASS");
    expect(listFiles(run.reports)).toEqual(before);
  });

  it("signed with a key from keygen: verify accepts it only with the public key trusted", () => {
    const dir = tempDirSync("macro-keys-");
    try {
      const keys = macro(["keygen", "--out", dir], withEngine);
      runs.push(keys);
      expect(keys.status, keys.stderr).toBe(0);
      const { run, json } = attest(["--key", join(dir, "attest-signing.key")]);
      expect(run.status, run.stderr).toBe(0);
      const envelope = JSON.parse(readFileSync(json.bundle, "utf8")) as { payloadType?: string; signatures?: unknown[] };
      expect(envelope.payloadType).toBe("application/vnd.in-toto+json");
      expect(envelope.signatures).toHaveLength(1);
      const trusted = macro(["verify", json.bundle, "--key", join(dir, "attest-signing.pub")], withEngine, join(run.reports, ".."));
      expect(trusted.status, trusted.stdout).toBe(0);
      const untrusted = macro(["verify", json.bundle, "--json"], withEngine, join(run.reports, ".."));
      expect(untrusted.status).toBe(3);
      expect(codes(untrusted.stdout)).toContain("SIGNATURE_INVALID");
      expect(macro(["keygen", "--out", dir], withEngine).status, "keygen never replaces a key").toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const weakenings: [string, string[]][] = [
    ["seccomp-unconfined", ["P05-SYS-SECCOMP-SWEEP", "P06-PROC-SECCOMP-FILTER"]],
    ["cap-added", ["P08-PROC-CAPS-EMPTY"]],
    ["writable-root", ["P01-FS-ROOT-RO"]],
    ["root-user", ["P09-IDS-EXACT"]],
    ["engine-socket", ["P13-MOUNTS-EXACT", "P18-SOCKETS-NONE"]],
    ["secret-env", ["P14-ENV-EXACT"]],
    ["no-pids-limit", ["P16-CGROUP-LIMITS"]],
  ];
  it.each(weakenings)("weakened profile %s fails the attestation and names %j", (name, caughtBy) => {
    const { run, json } = attest(["--profile", `fixtures/profiles/${name}.yaml`]);
    expect(run.status, run.stderr).toBe(3);
    expect(json.attested).toBe(false);
    const failing = json.probes.filter((p) => p.verdict !== "PASS").map((p) => p.id);
    for (const id of caughtBy) expect(failing).toContain(id);
    expect(json.bundle).toMatch(new RegExp(`-${name}-[0-9a-f]{16}\\.json$`));
    expect(leftovers(json)).toEqual([]);
  });

  it("weakened profile internal-network: a non-loopback interface is caught and egress is never attempted", () => {
    const network = "macro-weak-internal";
    const created = spawnSync("docker", ["network", "create", "--internal", "-o", "com.docker.network.bridge.inhibit_ipv4=true", ...ownerLabelArgs(), network], { encoding: "utf8" });
    expect(created.status, created.stderr).toBe(0);
    deferCleanup(() => spawnSync("docker", ["network", "rm", network]));
    try {
      const { run, json } = attest(["--profile", "fixtures/profiles/internal-network.yaml"]);
      expect(run.status, run.stderr).toBe(3);
      const verdicts = Object.fromEntries(json.probes.map((p) => [p.id, p.verdict]));
      expect(verdicts["P11-NET-TOPOLOGY-LO-ONLY"]).toBe("FAIL");
      expect(verdicts["P12-NET-EGRESS-UNREACHABLE"]).toBe("NOT_RUN_UNSAFE");
    } finally {
      spawnSync("docker", ["network", "rm", network]);
    }
  });
});
