import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanup, guarded, listFiles, macro, repoRoot, type CliRun } from "./harness.ts";
import { deferCleanup, tempDirSync } from "@macro/test-utils";

const engine = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8" }).status === 0;
const runs: CliRun[] = [];
afterAll(() => runs.forEach(cleanup));

/** Starts `macro run`, sends SIGINT once `trigger` shows on stderr, resolves with the exit code. */
function interruptedRun(scratch: string, trigger: RegExp): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "apps/macro/bin.cjs"), "run"], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? scratch,
        CI: "false",
        DOCKER_HOST: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock",
        MACRO_REPORTS_DIR: join(scratch, "reports"),
        MACRO_CHECKPOINTS_DIR: join(scratch, "checkpoints"),
        ...guarded(),
        MACRO_STATE_DIR: join(scratch, "state"),
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    // A test that fails or times out before the run ends must not leave it running.
    deferCleanup(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    let stderr = "";
    let sent = false;
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      if (!sent && trigger.test(stderr)) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe.skipIf(!engine)("Ctrl-C and resume (skipped: no container engine)", () => {
  it("SIGINT during the tests exits 130 with nothing left running; resume continues from the checkpoint and closes", async () => {
    const scratch = tempDirSync("macro-e2e-");
    const interrupted = await interruptedRun(scratch, /build\s+passed/);
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toContain("interrupted");
    expect(listFiles(join(scratch, "checkpoints")).some((f) => f.endsWith(".checkpoint.json"))).toBe(true);
    expect(listFiles(join(scratch, "reports")).filter((f) => f.startsWith("blocker-"))).toEqual([]);

    const resumed = macro(["resume", "--json"], { DOCKER_HOST: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock" }, scratch);
    runs.push(resumed);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect((JSON.parse(resumed.stdout) as { status: string }).status).toBe("closed");
    // The resumed run re-derived the build from its evidence and re-ran the one in flight. The
    // attestation is made again: it was signed by the interrupted process's own run key, which no
    // later process holds, so it cannot be re-derived as this run's.
    expect(resumed.stderr).toMatch(/build\s+re-derived/);
    expect(resumed.stderr).toMatch(/test\s+passed/);

    const again = macro(["resume"], {}, scratch);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("already finished");
  }, 600_000);
});
