import { execFileSync, spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFiles, repoRoot } from "./harness.ts";
import { scratchDir } from "./hostile-support.ts";

let dir: string;
let silent: Server;
const sockets: Socket[] = [];
beforeAll(async () => {
  dir = scratchDir();
  // An "engine" that accepts and never answers: the venue probe waits on it for its full timeout.
  silent = createServer((s) => sockets.push(s));
  await new Promise<void>((done) => silent.listen(join(dir, "silent.sock"), done));
});
afterAll(async () => {
  sockets.forEach((s) => s.destroy());
  await new Promise<void>((done) => silent.close(() => done()));
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `macro <args>`, sends `signal` after `afterMs`, resolves with the exit and the time it took after the signal. */
function signalled(args: string[], signal: NodeJS.Signals, afterMs: number, scratch: string): Promise<{ code: number | null; stderr: string; msAfterSignal: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "apps/macro/bin.cjs"), ...args], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: scratch,
        CI: "false",
        DOCKER_HOST: `unix://${join(dir, "silent.sock")}`,
        CONTAINER_HOST: "unix:///nonexistent/podman.sock",
        MACRO_REPORTS_DIR: join(scratch, "reports"),
        MACRO_CHECKPOINTS_DIR: join(scratch, "checkpoints"),
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    let sentAt = 0;
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const timer = setTimeout(() => {
      sentAt = performance.now();
      child.kill(signal);
    }, afterMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, msAfterSignal: sentAt === 0 ? 0 : performance.now() - sentAt });
    });
  });
}

describe("signals end a command at once, with its documented exit code, leaving nothing behind", () => {
  for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130], ["SIGHUP", 129]] as const) {
    it(`${signal} while the venue probe waits on an engine that never answers: exit ${code}, no blocker packet`, async () => {
      const scratch = join(dir, signal);
      const r = await signalled(["run"], signal, 700, scratch);
      expect(r.code, r.stderr).toBe(code);
      // The probe would have waited 5 s for its own timeout; the signal does not wait for it.
      expect(r.msAfterSignal).toBeLessThan(3000);
      // Interrupted is not blocked: a checkpoint may stay for resume, never a blocker packet.
      expect(listFiles(join(scratch, "reports")).filter((f) => f.startsWith("blocker-"))).toEqual([]);
      expect(listFiles(join(scratch, "checkpoints")).filter((f) => f.startsWith("blocker-"))).toEqual([]);
    });
  }

  it("a FIFO as the SSOT never blocks: refused with 2 at once, or ended by SIGTERM at once", async () => {
    const scratch = join(dir, "fifo");
    execFileSync("mkdir", ["-p", scratch]);
    const fifo = join(scratch, "macro.yaml");
    execFileSync("mkfifo", [fifo]);
    const r = await signalled(["run", "--ssot", fifo], "SIGTERM", 1500, scratch);
    expect(r.code, "the reader refuses a FIFO without opening it").toBe(2);
    // Refused before the signal was due: it did not wait on the venue probe still asking the engine.
    expect(r.msAfterSignal).toBe(0);
    expect(existsSync(join(scratch, "reports"))).toBe(false);
  });
});
