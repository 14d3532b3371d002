import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { verifyLedger } from "@macro/report";
import type { RunSummary } from "../lib/run-macro.ts";
import { formatSummary } from "../lib/summary.ts";
import { cleanup, listFiles, macro, repoRoot, type CliRun } from "./harness.ts";

const engine = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8" }).status === 0;
const withEngine = { DOCKER_HOST: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock" };
const runs: CliRun[] = [];
afterAll(() => runs.forEach(cleanup));

describe.skipIf(!engine)("macro run on an approved venue with an engine (skipped: no container engine)", () => {
  it(
    "closes green only with evidence, twice the same day, and both run records still verify afterwards",
    () => {
      const first = macro(["run", "--json"], withEngine);
      runs.push(first);
      const scratch = join(first.reports, "..");
      const second = macro(["run", "--json"], withEngine, scratch);
      const summaries = [first, second].map((run) => {
        expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
        return JSON.parse(run.stdout) as RunSummary;
      });

      // The account a green run gives: what it proved, and a command that re-checks it as printed.
      const { details } = summaries[0] as RunSummary;
      expect(details.venue?.id).toBe("V1");
      expect(details.attestation?.path).toContain("sandbox-attestation-evidence-V1-");
      expect(details.attestation?.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(details.tests?.passed).toBeGreaterThan(0);
      expect([details.tests?.failed, details.tests?.skipped]).toEqual([0, 0]);
      expect(details.rows).toEqual({ bound: 45, total: 45, byStatus: { BOUND_PASS: 45 } });
      expect(details.tracks.every((t) => t.status === "passed")).toBe(true);
      const text = formatSummary(summaries[0] as RunSummary);
      expect(text).toContain("rows bound   45/45");
      const printed = /verify\s+pnpm macro (verify \S+)/.exec(text)?.[1]?.split(" ") ?? [];
      expect(printed[0]).toBe("verify");
      const verified = macro(printed, withEngine, scratch);
      expect(verified.status, verified.stdout + verified.stderr).toBe(0);
      for (const summary of summaries) {
        expect(summary.status).toBe("closed");
        expect(summary.packet).toBeNull();
        const bindingFile = listFiles(join(first.reports, "runs", summary.runId)).find((f) => /^binding-[0-9a-f]{16}\.json$/.test(f)) ?? "";
        const binding = JSON.parse(readFileSync(join(first.reports, "runs", summary.runId, bindingFile), "utf8")) as { rows: { id: string; status: string }[] };
        expect(binding.rows).toHaveLength(45);
        expect(binding.rows.filter((r) => r.status !== "BOUND_PASS")).toEqual([]);

        const record = JSON.parse(readFileSync(join(repoRoot, summary.record), "utf8")) as {
          subject: { name: string }[];
          predicate: { status: string; tracks: { status: string }[]; evidenceLines: string[]; flags: Record<string, boolean> };
        };
        expect(record.predicate.status).toBe("closed");
        expect(record.predicate.tracks.every((t) => t.status === "passed")).toBe(true);
        expect(record.predicate.evidenceLines.length).toBeGreaterThanOrEqual(3);
        expect(record.predicate.flags.containerCreatedByRun).toBe(true);
        expect(record.subject.map((s) => s.name)).toEqual(expect.arrayContaining([expect.stringContaining("sandbox-attestation-evidence-V1-"), expect.stringContaining("binding-")]));
      }
      expect(listFiles(first.reports).filter((f) => f.startsWith("blocker-"))).toEqual([]);
      // Nothing of the first run was rewritten by the second: both verify from scratch.
      for (const summary of summaries) {
        const verify = macro(["verify", summary.record], withEngine, scratch);
        expect(verify.status, verify.stdout).toBe(0);
        expect(verify.stdout).toContain("binding recomputed from the evidence and the matrix");
      }
      const ledger = verifyLedger(join(first.reports, "ledger.ndjson"));
      expect(ledger.ok && ledger.value.entries).toBe(2);
      expect(macro(["status"], withEngine, scratch).status).toBe(0);
    },
    1_800_000,
  );
});
