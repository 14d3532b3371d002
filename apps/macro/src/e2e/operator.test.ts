import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BlockerPacket } from "@macro/ssot";
import { cleanup, macro, type CliRun } from "./harness.ts";

// The seed's loop: an operator attests where an engine runs, hands the bundle back, and the
// run on a venue without an engine accepts it read-only at B4′ — then halts honestly where the
// MVP itself must run in the sandbox.
const engine = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8" }).status === 0;
const withEngine = { DOCKER_HOST: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock" };
const runs: CliRun[] = [];
afterAll(() => runs.forEach(cleanup));

function latestPacket(run: CliRun): BlockerPacket {
  const pointer = JSON.parse(readFileSync(join(run.reports, "latest-blocker.json"), "utf8")) as { json: string };
  return BlockerPacket.parse(JSON.parse(readFileSync(join(run.reports, pointer.json), "utf8")));
}

describe.skipIf(!engine)("the operator path: a returned bundle is accepted read-only (skipped: no container engine)", () => {
  it("without an engine, a verified operator bundle passes B4′; the run then stops at the tests that need the sandbox", () => {
    const attest = macro(["attest", "--json"], withEngine);
    runs.push(attest);
    expect(attest.status, attest.stderr).toBe(0);
    const scratch = join(attest.reports, "..");

    const run = macro(["run", "--json"], {}, scratch);
    expect(run.status, run.stderr).toBe(3);
    const packet = latestPacket(run);
    expect(packet.tracks.find((t) => t.id === "attest")?.status).toBe("passed");
    expect(packet.blocker.id).toBe("B-TESTS");
    expect(packet.stoppedAt.why).toContain("no container engine");
    expect(packet.flags.macLocalEvidenceUsed).toBe(false);
    expect(packet.flags.containerCreatedByRun).toBe(false);
  }, 300_000);

  it("a tampered operator bundle is not accepted: the run stays at B4′ and the packet says why", () => {
    const attest = macro(["attest", "--json"], withEngine);
    runs.push(attest);
    expect(attest.status).toBe(0);
    const bundle = (JSON.parse(attest.stdout) as { bundle: string }).bundle;
    const statement = JSON.parse(readFileSync(bundle, "utf8")) as { predicate: { probes: { verdict: string; status: string }[] } };
    const first = statement.predicate.probes[0];
    if (first === undefined) throw new Error("no probes");
    first.status = "error";
    writeFileSync(bundle, JSON.stringify(statement));

    const run = macro(["run", "--json"], {}, join(attest.reports, ".."));
    expect(run.status).toBe(3);
    const packet = latestPacket(run);
    expect(packet.blocker.id).toBe("B4′");
    expect(packet.blocker.class).toContain("NO_EXECUTION_SURFACE");
    expect(packet.evidence.find((f) => f.id.startsWith("operatorBundle."))?.value).toMatch(/^not accepted: /);
  }, 120_000);
});
