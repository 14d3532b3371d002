import { spawn } from "node:child_process";
import { readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tempDirSync } from "@macro/test-utils";
import { readLedger, sha256Hex } from "@macro/report";
import { repoRoot } from "./harness.ts";

const scratch = tempDirSync("macro-concurrent-");
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** One real `macro run`, sharing reports/ and checkpoints/ with the others started at once. */
function run(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "apps/macro/bin.cjs"), "run", "--json"], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: scratch,
        CI: "false",
        DOCKER_HOST: "unix:///nonexistent/docker.sock",
        CONTAINER_HOST: "unix:///nonexistent/podman.sock",
        MACRO_REPORTS_DIR: join(scratch, "reports"),
        MACRO_CHECKPOINTS_DIR: join(scratch, "checkpoints"),
        MACRO_STATE_DIR: join(scratch, "state"),
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("concurrent runs", () => {
  it("four runs at once on one store: each keeps its own evidence, the ledger chains all four, every record binds its bytes", async () => {
    const runs = await Promise.all([run(), run(), run(), run()]);
    const summaries = runs.map((r) => {
      expect(r.code, r.stderr).toBe(3);
      return JSON.parse(r.stdout) as { runId: string; record: string; packet: { json: string; markdown: string } };
    });
    expect(new Set(summaries.map((s) => s.runId)).size).toBe(4);
    const ledger = readLedger(join(scratch, "reports", "ledger.ndjson"));
    if (!ledger.ok) throw new Error(`${ledger.error.code}: ${ledger.error.message}`);
    expect(ledger.value.entries.map((e) => e.runId).sort()).toEqual(summaries.map((s) => s.runId).sort());
    for (const [i, s] of summaries.entries()) {
      const record = readFileSync(join(repoRoot, s.record));
      const entry = ledger.value.entries.find((e) => e.runId === s.runId);
      expect(entry?.recordSha256, `run ${i}`).toBe(sha256Hex(record));
      // Every file the record names still has the bytes it bound.
      const subjects = (JSON.parse(record.toString("utf8")) as { subject: { name: string; digest: { sha256: string } }[] }).subject;
      // Named relative to reports/, so a copy of that folder verifies anywhere.
      for (const subject of subjects) expect(sha256Hex(readFileSync(join(scratch, "reports", subject.name))), subject.name).toBe(subject.digest.sha256);
    }
    expect(readdirSync(join(scratch, "checkpoints")).filter((n) => n.endsWith(".checkpoint.json"))).toHaveLength(4);
  }, 120_000);
});
