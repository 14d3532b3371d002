import { signedAttestation } from "./_attestation.ts";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { BUNDLE, ensureBundle, REPO } from "./test-bundle.ts";
import { ownerLabelArgs, tempDirSync } from "@macro/test-utils";

// The positive end of the guard harness: inside a real deny-by-default container (read-only
// root, --network none, non-root, no-new-privileges, the repo's seccomp profile) every guard
// passes and the report lands in --out. Built FROM scratch out of the host's own node, so
// no registry is touched; skipped where no container engine answers.
const SECCOMP = join(REPO, "packages/sandbox/seccomp-deny-by-default.json");
// Per process: `macro run` runs this suite again inside its own test track.
const IMAGE = `macro-tki-inspector-e2e:test-${process.pid}`;
const RUN_ID = "run-docker-e2e";

const docker = (args: string[], input?: string) =>
  spawnSync("docker", args, { encoding: "utf8", input, env: { PATH: process.env["PATH"], DOCKER_HOST: process.env["DOCKER_HOST"] }, timeout: 120_000 });

const engine = (() => {
  const probe = docker(["version", "--format", "{{.Server.Version}}"]);
  return probe.status === 0 && probe.stdout.trim() !== "";
})();

function sharedLibraries(binary: string): string[] {
  const ldd = spawnSync("ldd", [binary], { encoding: "utf8" });
  return [...ldd.stdout.matchAll(/(?:=>\s+)?(\/\S+)\s+\(0x/g)].map((m) => m[1] ?? "").filter((p) => p !== "");
}

describe.skipIf(!engine)("tki-inspector in a deny-by-default container (skipped: no container engine)", () => {
  let work: string;
  let flags: string[];

  beforeAll(() => {
    ensureBundle();
    work = realpathSync(tempDirSync("tki-docker-"));
    const context = join(work, "context");
    const node = realpathSync(process.execPath);
    for (const file of [node, ...sharedLibraries(node)]) {
      const target = join(context, "root", file === node ? "usr/local/bin/node" : file);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(realpathSync(file), target);
      chmodSync(target, 0o755);
    }
    mkdirSync(join(context, "root/app"), { recursive: true });
    copyFileSync(BUNDLE, join(context, "root/app/tki-inspector.js"));
    mkdirSync(join(context, "root/etc"), { recursive: true });
    writeFileSync(join(context, "root/etc/passwd"), "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n");
    writeFileSync(
      join(context, "Dockerfile"),
      'FROM scratch\nCOPY root/ /\nUSER 65534:65534\nENTRYPOINT ["/usr/local/bin/node", "/app/tki-inspector.js"]\n',
    );
    const built = docker(["build", "--network", "none", "-q", ...ownerLabelArgs(), "-t", IMAGE, context]);
    if (built.status !== 0) throw new Error(`image build failed: ${built.stderr}`);

    const statement = JSON.stringify({
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name: "image", digest: { sha256: "3".repeat(64) } }],
      predicateType: "https://macro.dev/sandbox-attestation/v1",
      predicate: { verdict: "ATTESTED", runId: RUN_ID },
    });
    const signed = signedAttestation(statement);
    writeFileSync(join(work, "attestation.json"), signed.envelope);
    flags = ["--attestation", "/in/attestation.json", "--attestation-key", signed.key, "--run-id", RUN_ID];
  }, 180_000);

  afterAll(() => {
    docker(["image", "rm", "-f", IMAGE]);
    rmSync(work, { recursive: true, force: true });
  });

  function runContainer(name: string, extra: string[], args: string[], packet = "FIX1") {
    const out = join(work, `out-${name}`);
    mkdirSync(out);
    chmodSync(out, 0o777);
    const result = docker([
      "run", "--rm", ...ownerLabelArgs(), "--network", "none", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
      "--security-opt", `seccomp=${SECCOMP}`, "--pids-limit", "64", "--memory", "256m", "--user", "65534:65534",
      "-v", `${join(REPO, "fixtures/packets", packet)}:/in/packet:ro`,
      "-v", `${join(work, "attestation.json")}:/in/attestation.json:ro`,
      "-v", `${out}:/out`,
      ...extra, IMAGE, "inspect", "/in/packet", "--out", "/out/report", ...args,
    ]);
    return { ...result, out: join(out, "report") };
  }

  it("passes every guard and writes the report into --out only", () => {
    const r = runContainer("ok", ["--read-only"], [...flags, "--json"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "REPORT_WRITTEN" });
    expect(readdirSync(r.out).sort()).toEqual(["report.json", "report.md"]);
    expect(JSON.parse(readFileSync(join(r.out, "report.json"), "utf8"))).toMatchObject({ format: "tki-inspector-report/v1" });
  });

  function expectGoldenFix7(file: "report.json" | "report.md"): void {
    const r = runContainer(`fix7-${file}`, ["--read-only"], flags, "FIX7");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const golden = join(REPO, "fixtures/packets/FIX7.expected", file);
    expect(readFileSync(join(r.out, file), "utf8")).toBe(readFileSync(golden, "utf8"));
  }

  it("[#17] FIX7 inside the sandbox reproduces the golden JSON byte for byte", () => expectGoldenFix7("report.json"));
  it("[#18] FIX7 inside the sandbox reproduces the golden Markdown byte for byte", () => expectGoldenFix7("report.md"));

  it("[#40] the same container with a writable root is refused by L3, nothing written", () => {
    const r = runContainer("rw", [], flags);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^tki-inspector: BLOCKED L3_ROOT_WRITABLE: /);
    expect(existsSync(r.out)).toBe(false);
  });

  it("[#38] the same container without an attestation is refused by P1", () => {
    const r = runContainer("noatt", ["--read-only"], ["--run-id", RUN_ID]);
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^tki-inspector: BLOCKED P1_NO_ATTESTATION: /);
    expect(existsSync(r.out)).toBe(false);
  });
});
