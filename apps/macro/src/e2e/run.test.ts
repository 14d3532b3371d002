import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BlockerPacket } from "@macro/ssot";
import { cleanup, listFiles, macro, type CliRun } from "./harness.ts";

const runs: CliRun[] = [];
const track = (run: CliRun) => (runs.push(run), run);
afterEach(() => runs.splice(0).forEach(cleanup));

function packetOf(run: CliRun): BlockerPacket {
  const json = listFiles(run.reports).find((f) => f.startsWith("blocker-") && f.endsWith(".json"));
  if (json === undefined) throw new Error(`no packet in ${run.reports}: ${run.stderr}`);
  return BlockerPacket.parse(JSON.parse(readFileSync(join(run.reports, json), "utf8")));
}

describe("macro run — the blocked path, on venues observed or simulated", () => {
  it("no engine reachable: exits 3 with a B4′ packet built from observed facts, and status names it", () => {
    const run = track(macro(["run", "--json"]));
    expect(run.status, run.stderr).toBe(3);
    const summary = JSON.parse(run.stdout) as { status: string; blocker: { id: string; class: string[]; track: string }; packet: { markdown: string } };
    expect(summary.status).toBe("blocked");
    expect(summary.blocker.id).toBe("B4′");
    expect(summary.blocker.track).toBe("venue");
    expect(summary.blocker.class).toContain("OWNER_OPERATOR_REQUIRED");
    expect(summary.blocker.class.some((c) => c === "NO_EXECUTION_SURFACE" || c === "VENUE_NOT_APPROVED")).toBe(true);

    const packet = packetOf(run);
    expect(packet.flags).toEqual({ productionMutation: false, containerCreatedByRun: false, installOrSystemMutation: false, macLocalEvidenceUsed: false, networkUsed: false });
    expect(packet.evidence.find((f) => f.id === "engine.docker.endpoint")?.value).toBe("unix:///nonexistent/docker.sock");
    expect(packet.evidence.find((f) => f.id === "engine.docker.reachable")?.value).toBe(false);
    expect(packet.notDone.tracks.map((t) => t.track)).toEqual(["attest", "build", "test", "bind", "persist"]);
    expect(packet.nextActions[0]?.commands.join(" ")).toContain("pnpm macro attest");
    const markdown = listFiles(run.checkpoints).find((f) => f.startsWith("blocker-") && f.endsWith(".md"));
    expect(markdown).toBeDefined();
    expect(readFileSync(join(run.checkpoints, markdown ?? ""), "utf8")).toContain("## 5. What was NOT done");
    const runbook = listFiles(run.checkpoints).find((f) => f.startsWith("operator-packet-B4prime-"));
    expect(runbook, "B4′ is the operator's: it comes with an operator packet").toBeDefined();
    expect(readFileSync(join(run.checkpoints, runbook ?? ""), "utf8")).toContain("pnpm macro attest --venue V1");

    const status = macro(["status"], {}, join(run.reports, ".."));
    expect(status.status).toBe(0);
    expect(status.stdout).toContain("B4′");
    expect(status.stdout).toContain(markdown ?? "?");
  });

  it("CI=true: the venue is recognised as V2 (approved CI runner), still blocked without an engine", () => {
    const run = track(macro(["run", "--json"], { CI: "true" }));
    expect(run.status, run.stderr).toBe(3);
    const packet = packetOf(run);
    expect(packet.evidence.find((f) => f.id === "venue.id")?.value).toBe("V2");
    expect(packet.blocker.id).toBe("B4′");
    expect(packet.blocker.class).toContain("NO_EXECUTION_SURFACE");
  });

  it("a simulated macOS venue is rejected as Mac-local with its own blocker", () => {
    const run = track(macro(["run", "--json"], { MACRO_VENUE_FACTS: "fixtures/venues/macos.json" }));
    expect(run.status, run.stderr).toBe(3);
    const packet = packetOf(run);
    expect(packet.blocker.id).toBe("B-VENUE-REJECTED");
    expect(packet.blocker.class).toContain("VENUE_REJECTED");
    expect(packet.stoppedAt.why).toContain("MAC_LOCAL");
    expect(packet.evidence.every((f) => f.source.startsWith("simulated:") || !f.id.startsWith("engine."))).toBe(true);
  });

  it("a second blocked run carries the same blocker forward", () => {
    const first = track(macro(["run"]));
    expect(first.status).toBe(3);
    const second = macro(["run", "--json"], {}, join(first.reports, ".."));
    expect(second.status).toBe(3);
    expect(listFiles(second.reports).filter((f) => f.startsWith("blocker-"))).toHaveLength(2);
    // Run ids sort by second only; the latest pointer says which packet is the second run's.
    const pointer = JSON.parse(readFileSync(join(second.reports, "latest-blocker.json"), "utf8")) as { json: string };
    const latest = BlockerPacket.parse(JSON.parse(readFileSync(join(second.reports, pointer.json), "utf8")));
    expect(latest.runId).toBe((JSON.parse(second.stdout) as { runId: string }).runId);
    expect(latest.blocker.continuity).toBe("carried");
  });
});

describe("macro run — bad input exits 2, names the file and field, writes nothing", () => {
  it("a broken SSOT", () => {
    const run = track(macro(["run", "--ssot", "fixtures/ssot/bad-venue-match.yaml"]));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("bad-venue-match.yaml");
    expect(run.stderr).toContain("venues.approved[1].match");
    expect(listFiles(run.reports)).toEqual([]);
    expect(listFiles(run.checkpoints)).toEqual([]);
  });

  it("a missing SSOT", () => {
    const run = track(macro(["run", "--ssot", "fixtures/ssot/does-not-exist.yaml"]));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("does-not-exist.yaml");
    expect(listFiles(run.reports)).toEqual([]);
  });

  it("a YAML alias bomb is refused", () => {
    const run = track(macro(["run", "--ssot", "fixtures/ssot/alias-bomb.yaml"]));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("alias-bomb.yaml");
  });

  it("an unknown command and an unknown flag value are usage errors", () => {
    expect(track(macro(["frobnicate"])).status).toBe(2);
    expect(track(macro([])).status).toBe(2);
  });
});

describe("macro — every command explains itself", () => {
  it.each(["run", "resume", "status", "schema", "attest", "verify", "keygen", "inspect"])("%s --help exits 0 with usage", (name) => {
    const run = track(macro([name, "--help"]));
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/USAGE|Usage/);
  });

  it("schema prints the SSOT JSON Schema", () => {
    const run = track(macro(["schema"]));
    expect(run.status).toBe(0);
    const schema = JSON.parse(run.stdout) as { properties?: Record<string, unknown> };
    expect(Object.keys(schema.properties ?? {})).toEqual(expect.arrayContaining(["macro", "venues", "sandbox", "blockers"]));
  });

  it("status before any run says so and exits 0", () => {
    const run = track(macro(["status"]));
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("No blocked run");
  });
});
