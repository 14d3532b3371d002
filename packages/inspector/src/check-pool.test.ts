import { writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { CheckPool } from "./check-pool.ts";
import { WORKER_TAG, type WorkerSetup } from "./check-worker.ts";
import { generatePacket, GENERATED_SCHEMA } from "./generate.ts";
import { inspectPacketUsing } from "./inspect.ts";
import { keySeeds } from "./keys.ts";
import { renderReportJson } from "./render.ts";
import { tempDir } from "./test-support.ts";

// The built worker (turbo builds before it tests).
const WORKER = new URL("../dist/check-worker.js", import.meta.url);
const SETUP: Omit<WorkerSetup, "done" | "slot"> = { tag: WORKER_TAG, schema: GENERATED_SCHEMA, referenced: { authors: ["id"] }, fastPath: true, maxLineBytes: 1 << 20, confinedTo: null, seeds: keySeeds() };

/** The report of `dir` with one check worker running `script` (waited for), and with none. */
async function withWorker(dir: string, script: URL): Promise<{ threaded: string; alone: string; workerItems: number }> {
  const mode = { fastPath: true, awaitWorkers: true, workerItems: 0 };
  const threaded = await inspectPacketUsing({ packetDir: dir, threads: 1, workerScript: script }, mode);
  const alone = await inspectPacketUsing({ packetDir: dir, threads: 0 }, { fastPath: true });
  if (!threaded.ok || !alone.ok) throw new Error("expected reports");
  return { threaded: renderReportJson(threaded.value), alone: renderReportJson(alone.value), workerItems: mode.workerItems };
}

describe("check workers", () => {
  it("[#43] a check worker seals itself before it takes an item: network, child processes, bindings and workers refused", async () => {
    const pool = CheckPool.start(1, WORKER, SETUP);
    try {
      await pool.started();
      const [refused] = pool.refusedBy();
      for (const api of ["net.connect", "tls.connect", "http.request", "dns.lookup", "child_process.spawn", "child_process.execFile", "process.binding", "worker_threads.Worker"]) {
        expect(refused, api).toContain(api);
      }
    } finally {
      await pool.close();
    }
  });

  it("[#43] a worker that does not say it is sealed gets no items; the report is the same, checked on the main thread", async () => {
    const dir = await tempDir();
    await generatePacket({ dir, seed: 3, targetBytes: 600_000, defects: [{ kind: "pk-dup", rate: 0.02 }, { kind: "dangling", rate: 0.02 }] });
    const script = path.join(await tempDir(), "unsealed.mjs");
    await writeFile(script, 'import { parentPort } from "node:worker_threads";\nparentPort.postMessage({ ready: true, refused: ["fetch"] });\nparentPort.on("message", () => {});\n');
    const r = await withWorker(dir, pathToFileURL(script));
    expect(r.workerItems).toBe(0);
    expect(r.threaded).toBe(r.alone);
  });

  it("a worker that cannot start is only a helper lost: the report is the same, checked on the main thread", async () => {
    const dir = await tempDir();
    await generatePacket({ dir, seed: 4, targetBytes: 600_000, defects: [{ kind: "type", rate: 0.02 }] });
    const r = await withWorker(dir, pathToFileURL(path.join(await tempDir(), "missing-worker.js")));
    expect(r.workerItems).toBe(0);
    expect(r.threaded).toBe(r.alone);
  });

  it("a worker that fails with items in flight fails the inspection (a defect, thrown), never a partial report", async () => {
    const dir = await tempDir();
    await generatePacket({ dir, seed: 5, targetBytes: 600_000 });
    const script = path.join(await tempDir(), "crashing.mjs");
    const sealed = JSON.stringify(["net.connect", "child_process.spawn", "worker_threads.Worker", "process.binding"]);
    await writeFile(script, `import { parentPort } from "node:worker_threads";\nparentPort.postMessage({ ready: true, refused: ${sealed} });\nparentPort.on("message", () => { throw new Error("worker defect"); });\n`);
    await expect(inspectPacketUsing({ packetDir: dir, threads: 1, workerScript: pathToFileURL(script) }, { fastPath: true, awaitWorkers: true })).rejects.toThrow(/worker defect/);
  });
});
