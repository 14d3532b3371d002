import { signedAttestation } from "./_attestation.ts";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { checkSandbox, liveGuardContext } from "@macro/inspector";
// These tests run the BUILT single-file bundle, exactly as the sandbox image runs it.
import { BUNDLE, ensureBundle } from "./test-bundle.ts";
import { tempDirSync } from "@macro/test-utils";

const RUN_ID = "run-2026-11-28-bundle-test";

function statement(runId = RUN_ID): string {
  return JSON.stringify({
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: "image", digest: { sha256: "1".repeat(64) } }],
    predicateType: "https://macro.dev/sandbox-attestation/v1",
    predicate: { verdict: "ATTESTED", runId },
  });
}

describe("tki-inspector bundle", () => {
  let work: string;
  let packet: string;
  let out: string;
  let attestation: string;
  let key: string;

  beforeAll(() => {
    ensureBundle();
    work = tempDirSync("tki-bundle-");
    packet = join(work, "packet");
    mkdirSync(packet);
    writeFileSync(join(packet, "manifest.json"), "{}");
    out = join(work, "out");
    attestation = join(work, "attestation.json");
    const signed = signedAttestation(statement());
    writeFileSync(attestation, signed.envelope);
    key = signed.key;
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** Runs the bundle with a clean environment plus `env`, from a directory with no node_modules. */
  function run(args: string[], env: Record<string, string> = {}) {
    const result = spawnSync(process.execPath, [BUNDLE, ...args], { cwd: work, env: { LANG: "C.UTF-8", ...env }, encoding: "utf8" });
    const stderrLines = result.stderr.split("\n").filter((line) => line !== "");
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, stderrLines };
  }

  const attested = (): string[] => ["--attestation", attestation, "--attestation-key", key, "--run-id", RUN_ID];

  it("is ONE file with zod inlined that runs --help with no node_modules", () => {
    const text = readFileSync(BUNDLE, "utf8");
    expect(text.match(/from "zod"/g)).toBeNull();
    expect(text).not.toMatch(/from "@macro\//);
    // @macro/ssot's one side effect (zod jitless, src/zod.ts) survives the bundler's tree shaking.
    expect(text).toContain("config({ jitless: true })");
    const lonely = tempDirSync("tki-lonely-");
    try {
      copyFileSync(BUNDLE, join(lonely, "tki-inspector.js"));
      const help = spawnSync(process.execPath, ["tki-inspector.js", "--help"], { cwd: lonely, env: {}, encoding: "utf8" });
      expect(help.status).toBe(0);
      expect(help.stdout).toContain("tki-inspector inspect <packetDir> --out <dir>");
    } finally {
      rmSync(lonely, { recursive: true, force: true });
    }
  });

  it("[#38] no attestation: exit 3, one stderr line naming P1, out dir never created", () => {
    const r = run(["inspect", packet, "--out", out]);
    expect(r.status).toBe(3);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toMatch(/^tki-inspector: BLOCKED P1_NO_ATTESTATION: /);
    expect(r.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
  });

  it("[#38] no attestation: an existing out dir stays empty", () => {
    const existing = join(work, "existing-out");
    mkdirSync(existing);
    const r = run(["inspect", packet, "--out", existing, "--run-id", RUN_ID]);
    expect(r.status).toBe(3);
    expect(readdirSync(existing)).toEqual([]);
  });

  it("[#39] an attestation not signed by the run's key: exit 3 P1_ATTESTATION_UNSIGNED", () => {
    const r = run(["inspect", packet, "--out", out, "--attestation", attestation, "--attestation-key", signedAttestation(statement()).key, "--run-id", RUN_ID]);
    expect(r.status).toBe(3);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toMatch(/^tki-inspector: BLOCKED P1_ATTESTATION_UNSIGNED: /);
    expect(existsSync(out)).toBe(false);
  });

  it("[#39] an attestation of another run is refused even when signed by the right key", () => {
    const r = run(["inspect", packet, "--out", out, ...attested().slice(0, 4), "--run-id", "run-someone-else"]);
    expect(r.status).toBe(3);
    expect(r.stderrLines[0]).toMatch(/BLOCKED P1_ATTESTATION_MISMATCH: .*run-someone-else/);
  });

  it("takes the attestation from MACRO_ATTESTATION* when no flags are given", () => {
    const r = run(["inspect", packet, "--out", out], {
      MACRO_ATTESTATION: attestation,
      MACRO_ATTESTATION_KEY: key,
      MACRO_RUN_ID: RUN_ID,
    });
    expect(r.status).toBe(3);
    expect(r.stderrLines[0]).not.toMatch(/P1_/);
  });

  const hostIsSandbox = checkSandbox(liveGuardContext({})).ok;
  it.skipIf(hostIsSandbox)("[#40] matching attestation on the host: exit 3 L3 (skipped: this host is itself a sandbox)", () => {
    const r = run(["inspect", packet, "--out", out, ...attested()]);
    expect(r.status).toBe(3);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toMatch(/^tki-inspector: BLOCKED L3_(ROOT_WRITABLE|NETWORK|ROOT_USER|NO_NEW_PRIVS|SECCOMP): /);
    expect(existsSync(out)).toBe(false);
  });

  it("[#41] DATABASE_URL in the environment: exit 3, names the key, never the value", () => {
    const value = "postgres://kb_admin:Tr0ub4dor@db.internal:5432/kb";
    const r = run(["inspect", packet, "--out", out, ...attested()], { DATABASE_URL: value });
    expect(r.status).toBe(3);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toMatch(/^tki-inspector: BLOCKED ENV_DATABASE_URL: .*DATABASE_URL/);
    expect(r.stderr).not.toContain("Tr0ub4dor");
    expect(r.stderr).not.toContain("db.internal");
    expect(existsSync(out)).toBe(false);
  });

  it("[#42] credential key in the environment: exit 3 ENV_CREDENTIAL", () => {
    const r = run(["inspect", packet, "--out", out, ...attested()], { DIRECTUS_TOKEN: "tok-5ecret-77" });
    expect(r.status).toBe(3);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toMatch(/^tki-inspector: BLOCKED ENV_CREDENTIAL: .*DIRECTUS_TOKEN/);
    expect(r.stderr).not.toContain("tok-5ecret-77");
  });

  it("[#44] out inside the packet: exit 2, nothing written into the packet", () => {
    const before = readdirSync(packet);
    const r = run(["inspect", packet, "--out", join(packet, "report"), ...attested()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--out .* inside the packet/);
    expect(readdirSync(packet)).toEqual(before);
  });

  it("[#45] usage error: exit 2 with the usage on stderr, nothing on stdout, nothing written", () => {
    const before = readdirSync(work).sort();
    const r = run(["inspect", packet]);
    expect(r.status).toBe(2);
    expect(r.stderrLines[0]).toBe("tki-inspector: missing --out <dir>");
    expect(r.stderr).toContain("Usage:");
    expect(r.stdout).toBe("");
    expect(readdirSync(work).sort()).toEqual(before);
  });

  it.each([
    ["no arguments", []],
    ["an unknown command", ["frobnicate", "x", "--out", "y"]],
    ["a missing --out", ["inspect", "pkt"]],
    ["a missing packet dir", ["inspect", "--out", "y"]],
    ["an unknown flag", ["inspect", "pkt", "--out", "y", "--no-guards"]],
    ["a flag without its value", ["inspect", "pkt", "--out"]],
  ])("[#45] usage error (%s): exit 2 with usage, nothing written", (_label, args) => {
    const before = readdirSync(work).sort();
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Usage:");
    expect(r.stdout).toBe("");
    expect(readdirSync(work).sort()).toEqual(before);
  });

  it("[#43] started as a check worker, the bundle seals itself and serves: it runs no CLI, writes nothing, and says what it refuses", async () => {
    const setup = {
      tag: "tki-inspector/check-worker",
      schema: { collections: [{ name: "c", primaryKey: "id", fields: [{ name: "id", type: "integer" }] }] },
      referenced: {},
      fastPath: true,
      maxLineBytes: 1024,
      confinedTo: null,
      seeds: [1, 2],
      done: new Int32Array(new SharedArrayBuffer(4)),
      slot: 0,
    };
    const worker = new Worker(pathToFileURL(BUNDLE), { workerData: setup, stdout: true, stderr: true });
    let printed = "";
    worker.stdout.on("data", (d: Buffer) => (printed += d.toString()));
    worker.stderr.on("data", (d: Buffer) => (printed += d.toString()));
    try {
      const first = await new Promise<unknown>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
        worker.once("exit", (code) => reject(new Error(`worker exited ${code}`)));
      });
      expect(first).toMatchObject({ ready: true });
      const refused = (first as { refused: string[] }).refused;
      for (const api of ["net.connect", "child_process.spawn", "process.binding", "worker_threads.Worker", "fetch"]) expect(refused).toContain(api);
      expect(printed).toBe("");
    } finally {
      await worker.terminate();
    }
  });
});
