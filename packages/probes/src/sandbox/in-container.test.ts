import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProbeReport } from "@macro/ssot";
import { buildScratchImage, canBuildScratchImage, runProbeContainer, WEAK_RUN_FLAGS, type ScratchImage } from "./_scratch-image.ts";
import { ssotExpectations } from "./_test-support.ts";

const engine = canBuildScratchImage();

// Must pass under these flags whatever the seccomp profile (Docker's default is used here).
const MUST_PASS = [
  "P01-FS-ROOT-RO",
  "P06-PROC-SECCOMP-FILTER",
  "P07-PROC-NO-NEW-PRIVS",
  "P08-PROC-CAPS-EMPTY",
  "P09-ID-NON-ROOT",
  "P11-NET-TOPOLOGY-LO-ONLY",
  "P13-HOST-SOCKETS-AND-MOUNTS",
  "P14-SECRETS-ENV-AND-FILES",
];

describe("probes in a real hardened container", () => {
  let image: ScratchImage | undefined;

  beforeAll(async () => {
    if (engine) image = await buildScratchImage();
  }, 300_000);

  afterAll(async () => {
    await image?.remove();
  }, 120_000);

  it.skipIf(!engine)("measures every SSOT probe, none in ERROR, the flag-backed ones PASS (skipped: no container engine)", async () => {
    if (image === undefined) throw new Error("image was not built");
    const expectations = await ssotExpectations();
    const run = runProbeContainer(image.tag, JSON.stringify(expectations));
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const report = ProbeReport.parse(JSON.parse(run.stdout));
    expect(report.probes.map((p) => p.id)).toEqual(expectations.map((e) => e.id));
    expect(report.probes.filter((p) => p.verdict === "ERROR").map((p) => p.id)).toEqual([]);
    const verdicts = Object.fromEntries(report.probes.map((p) => [p.id, p.verdict]));
    for (const id of MUST_PASS) expect(`${id} ${verdicts[id]}`).toBe(`${id} PASS`);
    // --network none leaves lo alone, so the guarded connect must have run and been refused.
    expect(report.probes.find((p) => p.id === "P12-NET-EGRESS-UNREACHABLE")?.actual).toEqual({ connectErrno: "ENETUNREACH" });
  }, 180_000);

  it.skipIf(!engine)("fails the probes a weak container breaks: root, rw root, caps, no nnp, no limits (skipped: no container engine)", async () => {
    if (image === undefined) throw new Error("image was not built");
    const run = runProbeContainer(image.tag, JSON.stringify(await ssotExpectations()), WEAK_RUN_FLAGS);
    expect(run.status).toBe(0);
    const report = ProbeReport.parse(JSON.parse(run.stdout));
    expect(report.probes.filter((p) => p.verdict === "ERROR").map((p) => p.id)).toEqual([]);
    const failed = report.probes.filter((p) => p.verdict === "FAIL").map((p) => p.id);
    for (const id of ["P01-FS-ROOT-RO", "P07-PROC-NO-NEW-PRIVS", "P08-PROC-CAPS-EMPTY", "P09-ID-NON-ROOT", "P16-CGROUP-LIMITS"]) {
      expect(failed).toContain(id);
    }
  }, 180_000);
});
