import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { verifyLedger } from "@macro/report";
import { cleanup, listFiles, macro, type CliRun } from "./harness.ts";

const engine = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8" }).status === 0;
const runs: CliRun[] = [];
afterAll(() => runs.forEach(cleanup));

describe.skipIf(!engine)("macro run on an approved venue with an engine (skipped: no container engine)", () => {
  it(
    "closes green only with evidence: every track passed, all 45 rows bound, the run chained into the ledger",
    () => {
      const run = macro(["run", "--json"], { DOCKER_HOST: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock" });
      runs.push(run);
      expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
      const summary = JSON.parse(run.stdout) as { status: string; runId: string; record: string; packet: unknown };
      expect(summary.status).toBe("closed");
      expect(summary.packet).toBeNull();
      expect(listFiles(run.reports).filter((f) => f.startsWith("blocker-"))).toEqual([]);

      const binding = JSON.parse(readFileSync(join(run.reports, "runs", summary.runId, "binding.json"), "utf8")) as { rows: { id: string; status: string }[] };
      expect(binding.rows).toHaveLength(45);
      expect(binding.rows.filter((r) => r.status !== "BOUND_PASS")).toEqual([]);

      const record = JSON.parse(readFileSync(join(run.reports, `run-record-${summary.runId}.json`), "utf8")) as {
        subject: { name: string }[];
        predicate: { status: string; tracks: { status: string }[]; evidenceLines: string[]; flags: Record<string, boolean> };
      };
      expect(record.predicate.status).toBe("closed");
      expect(record.predicate.tracks.every((t) => t.status === "passed")).toBe(true);
      expect(record.predicate.evidenceLines.length).toBeGreaterThanOrEqual(3);
      expect(record.predicate.flags.containerCreatedByRun).toBe(true);
      expect(record.subject.map((s) => s.name)).toEqual(expect.arrayContaining([expect.stringContaining("sandbox-attestation-evidence-V1-"), expect.stringContaining("binding.json")]));
      const ledger = verifyLedger(join(run.reports, "ledger.ndjson"));
      expect(ledger.ok && ledger.value.entries).toBe(1);
    },
    900_000,
  );
});
