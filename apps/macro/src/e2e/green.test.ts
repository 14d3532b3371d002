import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { verifyLedger } from "@macro/report";
import type { RunSummary } from "../lib/run-macro.ts";
import { formatSummary } from "../lib/summary.ts";
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
      const summary = JSON.parse(run.stdout) as RunSummary;
      expect(summary.status).toBe("closed");
      expect(summary.packet).toBeNull();

      // The account a green run gives: what it proved, and a command that re-checks it as printed.
      const { details } = summary;
      expect(details.venue?.id).toBe("V1");
      expect(details.attestation?.path).toContain("sandbox-attestation-evidence-V1-");
      expect(details.attestation?.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(details.tests?.passed).toBeGreaterThan(0);
      expect([details.tests?.failed, details.tests?.skipped]).toEqual([0, 0]);
      expect(details.rows).toEqual({ bound: 45, total: 45, byStatus: { BOUND_PASS: 45 } });
      expect(details.tracks.every((t) => t.status === "passed")).toBe(true);
      const text = formatSummary(summary);
      expect(text).toContain("rows bound   45/45");
      const verify = /verify\s+pnpm macro (verify \S+)/.exec(text)?.[1]?.split(" ") ?? [];
      expect(verify[0]).toBe("verify");
      const verified = macro(verify, {}, join(run.reports, ".."));
      expect(verified.status, verified.stdout + verified.stderr).toBe(0);
      expect(verified.stdout).toContain("ACCEPTED");
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
