import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { confineWrites } from "./guard/confine.ts";
import { lockdownNetwork } from "./guard/lockdown.ts";
import { ItemChecker, type CheckItem, type CheckSetup } from "./item-checker.ts";
import { useKeySeeds } from "./keys.ts";

/**
 * A check worker: checks items (item-checker.ts) on a thread of its own, beside the main
 * thread, which reads, hashes and splits the files, checks items too whenever the workers are
 * busy, and takes every answer in in file order (scan-file.ts). So on a machine with cores to
 * spare, the costly part, every record's checks, runs on all of them.
 */

export const WORKER_TAG = "tki-inspector/check-worker";

export interface WorkerSetup extends CheckSetup {
  tag: typeof WORKER_TAG;
  /** Where the main thread's writes are confined, if they are: the worker is confined alike. */
  confinedTo: string | null;
  /** The main thread's key digest seeds (keys.ts): digests made on two threads must agree. */
  seeds: [number, number];
  /** Items done, one counter per worker (shared with the pool), and this worker's counter. */
  done: Int32Array;
  slot: number;
}

/** The first message a worker sends: it is sealed (the APIs it refuses, `lockdownNetwork`) and ready for items. */
export interface Ready {
  ready: true;
  refused: readonly string[];
}

function serve(setup: WorkerSetup): void {
  const port = parentPort;
  if (port === null) throw new Error("check worker started without a parent port");
  // A worker reads shared memory and nothing else; it is sealed like the main thread, so no
  // defect in it can reach the network or write outside --out either.
  const refused = lockdownNetwork();
  if (setup.confinedTo !== null) confineWrites(setup.confinedTo);
  useKeySeeds(setup.seeds);
  const checker = new ItemChecker(setup);
  port.on("message", (item: CheckItem) => {
    const result = checker.check(item);
    Atomics.add(setup.done, setup.slot, 1);
    const { keys } = result;
    port.postMessage(result, [keys.lines.buffer, keys.present.buffer, keys.digests.buffer, keys.kind.buffer, keys.start.buffer, keys.end.buffer, keys.num.buffer]);
  });
  port.postMessage({ ready: true, refused } satisfies Ready);
}

const isSetup = (data: unknown): data is WorkerSetup => typeof data === "object" && data !== null && Reflect.get(data, "tag") === WORKER_TAG;

// Loaded as a check worker (this module's own file, started by check-pool.ts): serve.
if (!isMainThread && isSetup(workerData)) serve(workerData);
