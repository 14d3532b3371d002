import { signedAttestation } from "./_attestation.ts";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { GuardViolation, lockdownNetwork, type GuardContext, type GuardInputs } from "@macro/inspector";
import { runCli } from "./cli.ts";
import { tempDirSync } from "@macro/test-utils";

// The success path needs guards that pass, which a host never does; so here the guards
// observe a stand-in sandbox (the same checks, other files). The network of this worker is
// locked down for real; write confinement is recorded instead, because it is permanent and
// each test writes to its own --out (it is unit-tested in the inspector package, and runs
// for real in the container test).
const PACKETS = resolve(import.meta.dirname, "../../../fixtures/packets");
const RUN_ID = "run-cli-test";

const SANDBOX_FILES: Record<string, string> = {
  "/proc/self/mountinfo": "600 500 0:50 / / ro,relatime - overlay overlay ro\n",
  "/proc/self/status": "Name:\tnode\nNoNewPrivs:\t1\nSeccomp:\t2\n",
};

function sandboxContext(inputs: GuardInputs, env: NodeJS.ProcessEnv): GuardContext {
  return {
    inputs,
    env,
    readFile: (path) => {
      const text = SANDBOX_FILES[path];
      return text === undefined ? readFileSync(path) : new TextEncoder().encode(text);
    },
    readDir: () => ["lo"],
    getuid: () => 65534,
    geteuid: () => 65534,
  };
}

/** A consistent packet under `dir`: one collection per entry of `data`, each with an integer `id` primary key. */
function writePacket(dir: string, data: Record<string, string>, fields: unknown[] = [{ name: "id", type: "integer", required: true }]): string {
  const sha = (b: string | Buffer): string => createHash("sha256").update(b).digest("hex");
  mkdirSync(join(dir, "data"), { recursive: true });
  const schema = JSON.stringify({ collections: Object.keys(data).map((name) => ({ name, primaryKey: "id", fields })) });
  writeFileSync(join(dir, "schema.json"), schema);
  const files = Object.entries(data).map(([collection, text]) => {
    writeFileSync(join(dir, "data", `${collection}.ndjson`), text);
    return { collection, path: `data/${collection}.ndjson`, sha256: sha(text), bytes: Buffer.byteLength(text), records: text.split("\n").filter((l) => l !== "").length };
  });
  const manifest = { format: "kb-packet/v1", packetId: "hostile", source: { system: "test" }, exportedAt: "2026-01-01T00:00:00Z", schema: { path: "schema.json", sha256: sha(schema) }, files };
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}

function capture() {
  const chunks = { stdout: "", stderr: "", confinedTo: [] as string[] };
  return {
    chunks,
    io: {
      stdout: { write: (text: string) => (chunks.stdout += text) },
      stderr: { write: (text: string) => (chunks.stderr += text) },
      env: { LANG: "C.UTF-8" },
      guardContext: sandboxContext,
      lockdown: (outDir: string) => {
        lockdownNetwork();
        chunks.confinedTo.push(outDir);
      },
    },
  };
}

describe("runCli inside a (stand-in) sandbox", () => {
  let work: string;
  let flags: string[];
  beforeAll(() => {
    work = tempDirSync("tki-cli-");
    const statement = JSON.stringify({
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name: "image", digest: { sha256: "2".repeat(64) } }],
      predicateType: "https://macro.dev/sandbox-attestation/v1",
      predicate: { verdict: "ATTESTED", runId: RUN_ID },
    });
    const file = join(work, "attestation.json");
    const signed = signedAttestation(statement);
    writeFileSync(file, signed.envelope);
    flags = ["--attestation", file, "--attestation-key", signed.key, "--run-id", RUN_ID];
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("[#19] writes report.json and report.md into --out only and exits 0 with a one-line summary", async () => {
    const out = join(work, "out-fix1");
    const { chunks, io } = capture();
    const code = await runCli(["inspect", join(PACKETS, "FIX1"), "--out", out, ...flags], io);
    expect(chunks.stderr).toBe("");
    expect(code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["report.json", "report.md"]);
    expect(chunks.confinedTo).toEqual([out]);
    expect(chunks.stdout.trimEnd().split("\n")).toHaveLength(1);
    expect(chunks.stdout).toMatch(/^tki-inspector: (CLEAN|DEFECTS) packet /);
  });

  it("prints the summary as JSON with --json", async () => {
    const out = join(work, "out-json");
    const { chunks, io } = capture();
    expect(await runCli(["inspect", join(PACKETS, "FIX7"), "--out", out, "--json", ...flags], io)).toBe(0);
    const summary: unknown = JSON.parse(chunks.stdout);
    expect(summary).toMatchObject({ status: "REPORT_WRITTEN", verdict: "defects" });
  });

  it("[#14] a bad packet exits 2 naming the file, and writes nothing", async () => {
    const out = join(work, "out-bad");
    const { chunks, io } = capture();
    const code = await runCli(["inspect", join(PACKETS, "HOSTILE-bad-manifest"), "--out", out, ...flags], io);
    expect(code).toBe(2);
    expect(chunks.stderr).toMatch(/^tki-inspector: manifest\.json/);
    expect(chunks.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(existsSync(out)).toBe(false);
  });

  it("a packet of more collections than the memory holds exits 2 before reading, naming the manifest field and the count", async () => {
    const packet = writePacket(join(work, "many"), Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`c${i}`, ""])));
    const out = join(work, "out-many");
    const { chunks, io } = capture();
    expect(await runCli(["inspect", packet, "--out", out, ...flags], io)).toBe(2);
    expect(chunks.stderr).toMatch(/^tki-inspector: manifest\.json: files: 1001 data files; at most 1000/);
    expect(existsSync(out)).toBe(false);
  });

  it("data hidden behind a repeated key, deep nesting or an unlisted file makes the verdict DEFECTS, never CLEAN", async () => {
    const AWS = "AKIAABCDEFGHIJKLMNOP";
    const fields = [{ name: "id", type: "integer", required: true }, { name: "body", type: "string" }, { name: "data", type: "json" }];
    const hidden = [
      { items: `{"id":1,"body":"${AWS}","body":"clean"}\n` },
      { items: `{"id":1,"data":${'{"a":'.repeat(40)}"${AWS}"${"}".repeat(40)}}\n` },
      { items: `{"id":1,"body":1e400}\n` },
    ];
    for (const [i, data] of [...hidden, { items: `{"id":1}\n` }].entries()) {
      const packet = writePacket(join(work, `hidden-${i}`), data, fields);
      if (i === hidden.length) writeFileSync(join(packet, "data", "extra.ndjson"), `{"id":2,"body":"${AWS}"}\n`);
      const out = join(work, `out-hidden-${i}`);
      const { chunks, io } = capture();
      expect(await runCli(["inspect", packet, "--out", out, "--json", ...flags], io)).toBe(0);
      expect(JSON.parse(chunks.stdout), `case ${i}`).toMatchObject({ status: "REPORT_WRITTEN", verdict: "defects" });
    }
  });

  it("[#38] the stand-in sandbox still refuses without an attestation", async () => {
    const { chunks, io } = capture();
    expect(await runCli(["inspect", join(PACKETS, "FIX1"), "--out", join(work, "never")], io)).toBe(3);
    expect(chunks.stderr).toMatch(/^tki-inspector: BLOCKED P1_NO_ATTESTATION: /);
    expect(chunks.confinedTo).toEqual([]);
    expect(existsSync(join(work, "never"))).toBe(false);
  });

  it("[#43] a refused network call during inspection ends the run BLOCKED (exit 3), not as a defect", async () => {
    const out = join(work, "out-violation");
    const { chunks, io } = capture();
    const tripped = {
      ...io,
      lockdown: () => {
        throw new GuardViolation("net.connect");
      },
    };
    expect(await runCli(["inspect", join(PACKETS, "FIX1"), "--out", out, ...flags], tripped)).toBe(3);
    expect(chunks.stderr).toBe("tki-inspector: BLOCKED GUARD_NETWORK_REFUSED: network use refused: net.connect\n");
    expect(existsSync(out)).toBe(false);
  });

  it("lets an unexpected exception through to main (exit 1 there), never maps it to success", async () => {
    const { io } = capture();
    const broken = {
      ...io,
      lockdown: () => {
        throw new TypeError("a defect");
      },
    };
    await expect(runCli(["inspect", join(PACKETS, "FIX1"), "--out", join(work, "out-defect"), ...flags], broken)).rejects.toThrow(TypeError);
  });
});
