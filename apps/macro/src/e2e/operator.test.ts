import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDirSync } from "@macro/test-utils";
import { BlockerPacket } from "@macro/ssot";
import { cleanup, keyedSsot, macro, repoRoot, type CliRun } from "./harness.ts";

// The seed's loop: an operator makes a key (keygen), the owner trusts its public half in the SSOT,
// the operator attests where an engine runs and signs the bundle, hands it back, and the run on a
// venue without an engine accepts it read-only at B4′ — then halts honestly where the MVP itself
// must run in the sandbox. Unsigned, the same bundle never counts.
const engine = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8" }).status === 0;
const withEngine = { DOCKER_HOST: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock" };
const runs: CliRun[] = [];
afterAll(() => runs.forEach(cleanup));

function latestPacket(run: CliRun): BlockerPacket {
  const pointer = JSON.parse(readFileSync(join(run.reports, "latest-blocker.json"), "utf8")) as { json: string };
  return BlockerPacket.parse(JSON.parse(readFileSync(join(run.reports, pointer.json), "utf8")));
}

/** A scratch folder with a key pair and an SSOT that trusts it; the operator signs with it. */
function operatorHome(): { scratch: string; ssot: string } {
  const scratch = tempDirSync("macro-e2e-");
  const keyed = keyedSsot(scratch);
  runs.push(keyed.keygen);
  expect(keyed.keygen.status, keyed.keygen.stderr).toBe(0);
  return { scratch, ssot: keyed.ssot };
}

describe.skipIf(!engine)("the operator path: a signed, returned bundle is accepted read-only (skipped: no container engine)", () => {
  it("without an engine, a bundle signed by a trusted key passes B4′; the run then stops at the tests that need the sandbox", () => {
    const { scratch, ssot } = operatorHome();
    const attest = macro(["attest", "--json", "--ssot", ssot], withEngine, scratch);
    runs.push(attest);
    expect(attest.status, attest.stderr).toBe(0);
    const envelope = JSON.parse(readFileSync((JSON.parse(attest.stdout) as { bundle: string }).bundle, "utf8")) as { signatures?: unknown[] };
    expect(envelope.signatures).toHaveLength(1);

    const run = macro(["run", "--json", "--ssot", ssot], {}, scratch);
    // What follows B4′ is not this test's business (the build runs in the SSOT's folder, which
    // here is a scratch copy outside the workspace); B4′ itself must pass on the signed bundle.
    expect([1, 3], run.stderr).toContain(run.status);
    const summary = JSON.parse(run.stdout) as { record: string; blocker: { id: string } | null };
    expect(summary.blocker?.id).not.toBe("B4′");
    const record = JSON.parse(readFileSync(join(repoRoot, summary.record), "utf8")) as { predicate: { tracks: { id: string; status: string }[]; flags: Record<string, boolean> } };
    expect(record.predicate.tracks.find((t) => t.id === "attest")?.status).toBe("passed");
    expect(record.predicate.flags.macLocalEvidenceUsed).toBe(false);
    expect(record.predicate.flags.containerCreatedByRun).toBe(false);
  }, 300_000);

  it("a signed bundle edited after signing is not accepted: the run stays at B4′ and the packet says why", () => {
    const { scratch, ssot } = operatorHome();
    const attest = macro(["attest", "--json", "--ssot", ssot], withEngine, scratch);
    runs.push(attest);
    expect(attest.status).toBe(0);
    const bundle = (JSON.parse(attest.stdout) as { bundle: string }).bundle;
    const envelope = JSON.parse(readFileSync(bundle, "utf8")) as { payload: string };
    const statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8")) as { predicate: { probes: { status: string }[] } };
    const first = statement.predicate.probes[0];
    if (first === undefined) throw new Error("no probes");
    first.status = "error";
    envelope.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
    writeFileSync(bundle, JSON.stringify(envelope));

    const run = macro(["run", "--json", "--ssot", ssot], {}, scratch);
    expect(run.status).toBe(3);
    const packet = latestPacket(run);
    expect(packet.blocker.id).toBe("B4′");
    expect(packet.blocker.class).toContain("NO_EXECUTION_SURFACE");
    expect(packet.evidence.find((f) => f.id.startsWith("operatorBundle."))?.value).toMatch(/^not accepted: .*SIGNATURE_INVALID/);
  }, 120_000);

  it("an unsigned bundle never counts as B4′ (UNAUTHENTICATED), and the packet says how to sign", () => {
    const attest = macro(["attest", "--json"], withEngine);
    runs.push(attest);
    expect(attest.status, attest.stderr).toBe(0);
    const run = macro(["run", "--json"], {}, join(attest.reports, ".."));
    expect(run.status).toBe(3);
    const packet = latestPacket(run);
    expect(packet.blocker.id).toBe("B4′");
    expect(packet.evidence.find((f) => f.id.startsWith("operatorBundle."))?.value).toMatch(/^not accepted: .*UNAUTHENTICATED/);
    expect(packet.nextActions[0]?.commands.join("\n")).toContain("pnpm macro keygen --out keys");
  }, 120_000);
});
