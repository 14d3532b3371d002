import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDirSync } from "@macro/test-utils";
import { ProbeReport } from "@macro/ssot";
import { buildScratchImage, canBuildScratchImage, HARDENED_RUN_FLAGS, runProbeContainer, SECCOMP_PROFILE, WEAK_RUN_FLAGS, type ScratchImage } from "./_scratch-image.ts";
import { ssotExpectations } from "./_test-support.ts";

const engine = canBuildScratchImage();
const SKIP = "(skipped: no container engine)";

/** The SSOT's flags with one flag replaced or added: one weakening per run. */
const weakened = (extra: string[], drop: string[] = []): string[] => {
  const flags = [...HARDENED_RUN_FLAGS] as string[];
  for (const flag of drop) {
    const at = flags.indexOf(flag);
    if (at >= 0) flags.splice(at, 2);
  }
  return [...flags, ...extra];
};

function docker(args: string[]): string {
  const run = spawnSync("docker", args, { encoding: "utf8", timeout: 60_000 });
  if (run.status !== 0) throw new Error(`docker ${args[0]} failed: ${run.stderr}`);
  return run.stdout.trim();
}

describe("probes in a real hardened container", () => {
  let image: ScratchImage | undefined;
  let work = "";
  let server: Server | undefined;
  const companions: string[] = [];

  beforeAll(async () => {
    if (!engine) return;
    image = await buildScratchImage();
    work = tempDirSync("macro-probes-weak-");
    chmodSync(work, 0o755);
    // A host directory holding a live unix socket: what an engine's socket directory looks like.
    server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server?.listen(join(work, "engine.sock"), resolve));
    chmodSync(join(work, "engine.sock"), 0o666);
    // A copy of the profile that lets keyctl through: the "swapped for a weaker one" class.
    const profile = JSON.parse(readFileSync(SECCOMP_PROFILE, "utf8")) as { syscalls: { names: string[] }[] };
    profile.syscalls[0]?.names.push("keyctl");
    writeFileSync(join(work, "weaker-seccomp.json"), JSON.stringify(profile));
  }, 300_000);

  afterAll(async () => {
    for (const name of companions) spawnSync("docker", ["rm", "-f", name], { stdio: "ignore", timeout: 60_000 });
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    if (work !== "") rmSync(work, { recursive: true, force: true });
    await image?.remove();
  }, 120_000);

  /** A second container to share a namespace with; removed after the suite. */
  const companion = (flags: string[]): string => {
    if (image === undefined) throw new Error("image was not built");
    const name = `macro-probes-peer-${randomBytes(6).toString("hex")}`;
    companions.push(name);
    // It holds a POSIX message queue (an IPC object) and stays alive while the probes look.
    const script = "require('fs').writeFileSync('/dev/mqueue/peer-queue','');setTimeout(()=>{},120000)";
    docker(["run", "-d", "--name", name, "--network", "none", ...flags, image.tag, "-e", script]);
    return name;
  };

  const probe = async (flags: readonly string[]) => {
    if (image === undefined) throw new Error("image was not built");
    const nonce = randomBytes(16).toString("hex");
    const run = runProbeContainer(image.tag, JSON.stringify(await ssotExpectations()), flags, nonce);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const report = ProbeReport.parse(JSON.parse(run.stdout));
    expect(report.nonce).toBe(nonce);
    expect(report.probes.every((p) => p.nonce === nonce)).toBe(true);
    return report;
  };
  const verdicts = (report: ProbeReport) => Object.fromEntries(report.probes.map((p) => [p.id, p.verdict]));
  const failing = (report: ProbeReport) => report.probes.filter((p) => p.verdict !== "PASS").map((p) => p.id);

  it.skipIf(!engine)(`passes every SSOT probe under the SSOT's own flags and profile ${SKIP}`, async () => {
    const report = await probe(HARDENED_RUN_FLAGS);
    expect(report.probes.map((p) => p.id)).toEqual((await ssotExpectations()).map((e) => e.id));
    expect(report.probes.filter((p) => p.verdict !== "PASS").map((p) => `${p.id} ${p.verdict}: ${p.evidence.join(" | ")}`)).toEqual([]);
    // --network none leaves lo alone, so the guarded connect must have run and been refused.
    expect(report.probes.find((p) => p.id === "P12-NET-EGRESS-UNREACHABLE")?.actual).toEqual({ connectErrno: "ENETUNREACH" });
  }, 180_000);

  const weakerProfile = () => [...HARDENED_RUN_FLAGS].map((f) => (f === `seccomp=${SECCOMP_PROFILE}` ? `seccomp=${join(work, "weaker-seccomp.json")}` : f));

  const cases: [string, () => string[], string[]][] = [
    ["a supplementary group and a read-only bind of a host dir holding a socket", () => weakened(["--group-add", "999", "-v", `${work}:/hostrun:ro`]), ["P09-IDS-EXACT", "P13-MOUNTS-EXACT", "P18-SOCKETS-NONE"]],
    ["a read-write host bind", () => weakened(["-v", `${work}:/data:rw`]), ["P13-MOUNTS-EXACT", "P18-SOCKETS-NONE"]],
    ["a bind of one host socket file", () => weakened(["-v", `${join(work, "engine.sock")}:/run/engine.sock`]), ["P13-MOUNTS-EXACT", "P18-SOCKETS-NONE"]],
    ["an exec tmpfs", () => weakened(["--tmpfs", "/scratch:rw,exec,size=1m"]), ["P13-MOUNTS-EXACT", "P17-MOUNTS-NOEXEC"]],
    ["a credential in an env VALUE under an expected key", () => weakened(["-e", "HOME=https://deploy:hunter2@git.example.com/x.git"]), ["P14-ENV-EXACT"]],
    ["an extra env key", () => weakened(["-e", "LANG=C"]), ["P14-ENV-EXACT"]],
    ["an added device", () => weakened(["--device", "/dev/full:/dev/extra-full"]), ["P19-DEV-EXACT"]],
    ["a pid namespace shared with another container", () => weakened(["--pid", `container:${companion([])}`]), ["P10-NS-PRIVATE"]],
    ["an ipc namespace shared with another container", () => weakened(["--ipc", `container:${companion(["--ipc", "shareable"])}`]), ["P10-NS-PRIVATE"]],
    ["the host's cgroup namespace", () => weakened(["--cgroupns", "host"], ["--cgroupns"]), ["P10-NS-PRIVATE", "P13-MOUNTS-EXACT"]],
    ["a weaker seccomp profile that allows keyctl", () => weakerProfile(), ["P05-SYS-SECCOMP-SWEEP"]],
    ["an added capability", () => weakened(["--cap-add", "NET_RAW"]), ["P08-PROC-CAPS-EMPTY"]],
  ];

  it.skipIf(!engine).each(cases)(`fails, naming the probe, on %s ${SKIP}`, async (_what, flags, mustFail) => {
    const report = await probe(flags());
    expect(report.probes.filter((p) => p.verdict === "ERROR").map((p) => p.id)).toEqual([]);
    const failed = failing(report);
    for (const id of mustFail) expect(`${id} ${verdicts(report)[id]}`).toBe(`${id} FAIL`);
    expect(failed.length).toBeGreaterThan(0);
  }, 180_000);

  it.skipIf(!engine)(`names what the weaker seccomp profile let through ${SKIP}`, async () => {
    const report = await probe(weakerProfile());
    const p05 = report.probes.find((p) => p.id === "P05-SYS-SECCOMP-SWEEP");
    expect(p05?.verdict).toBe("FAIL");
    expect(p05?.actual.allowlist).toContain("keyctl");
  }, 180_000);

  it.skipIf(!engine)(`fails the probes a weak container breaks: root, rw root, caps, no nnp, no limits ${SKIP}`, async () => {
    const report = await probe(WEAK_RUN_FLAGS);
    expect(report.probes.filter((p) => p.verdict === "ERROR").map((p) => p.id)).toEqual([]);
    const failed = report.probes.filter((p) => p.verdict === "FAIL").map((p) => p.id);
    for (const id of ["P01-FS-ROOT-RO", "P05-SYS-SECCOMP-SWEEP", "P07-PROC-NO-NEW-PRIVS", "P08-PROC-CAPS-EMPTY", "P09-IDS-EXACT", "P16-CGROUP-LIMITS"]) {
      expect(failed).toContain(id);
    }
  }, 180_000);
});
