import { Worker } from "node:worker_threads";
import type { Ready, WorkerSetup } from "./check-worker.ts";
import type { CheckItem, CheckResult } from "./item-checker.ts";

// Taken when this module loads, before the lockdown refuses `worker_threads.Worker` to the rest
// of the process: check workers are the one kind of thread the inspector starts, they run the
// inspector's own worker file, and each seals itself (network and writes) before it reads a byte.
const CheckThread = Worker;

/** Items a worker holds at most: one being checked, the rest waiting, so it never idles between them. */
const DEPTH = 6;

interface Member {
  worker: Worker;
  ready: boolean;
  /** Gone (failed to start, or exited): never offered items again. */
  gone: boolean;
  /** Items sent; with the worker's own count of items done (shared memory), how many it still holds. */
  sent: number;
  /** What the worker said it refuses (its lockdown), once ready. */
  refused: readonly string[];
}

/** A worker that does not refuse these is not sealed, and gets no items. */
const MUST_REFUSE = ["net.connect", "child_process.spawn", "worker_threads.Worker", "process.binding"];

/**
 * The check workers of one inspection. A worker takes items once it has said it is ready, and
 * at most DEPTH at a time; when none can, `offer` says so and the caller checks the item itself.
 * A worker that never starts is only a lost helper (the caller checks everything); one that
 * fails with items in flight fails them (a defect, thrown).
 */
export class CheckPool {
  private readonly waiting = new Map<number, { member: Member; resolve(r: CheckResult): void; reject(e: unknown): void }>();
  private readonly members: Member[];
  private failure: unknown = null;

  /**
   * Items each worker has finished, counted by the worker itself: answers wait in this thread's
   * event loop while it is busy, so the number in flight would overstate how busy a worker is.
   */
  private readonly done: Int32Array;

  private constructor(workers: Worker[], done: Int32Array) {
    this.done = done;
    this.members = workers.map((worker) => ({ worker, ready: false, gone: false, sent: 0, refused: [] }));
    for (const m of this.members) {
      m.worker.on("message", (r: CheckResult | Ready) => {
        if ("ready" in r) {
          m.refused = r.refused;
          m.ready = MUST_REFUSE.every((api) => r.refused.includes(api));
          if (!m.ready) m.gone = true;
          this.settle();
          return;
        }
        const p = this.waiting.get(r.seq);
        this.waiting.delete(r.seq);
        p?.resolve(r);
      });
      m.worker.on("error", (e) => {
        m.gone = true;
        this.settle();
        if (this.holds(m)) this.fail(e);
      });
      m.worker.on("exit", (code) => {
        m.gone = true;
        this.settle();
        if (this.holds(m)) this.fail(new Error(`check worker exited (${code}) with items in flight`));
      });
    }
  }

  /** Starts `threads` workers running `script` (this package's own module file); they take items once ready. */
  static start(threads: number, script: URL, setup: Omit<WorkerSetup, "done" | "slot">): CheckPool {
    const done = new Int32Array(new SharedArrayBuffer(threads * 4));
    return new CheckPool(
      Array.from({ length: threads }, (_, slot) => new CheckThread(script, { workerData: { ...setup, done, slot } satisfies WorkerSetup, stdin: false })),
      done,
    );
  }

  private readonly waiters: (() => void)[] = [];

  /** Settles once every worker is ready or gone (tests: so workers take part from the first item). */
  started(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.settle();
    });
  }

  private settle(): void {
    if (this.members.every((m) => m.ready || m.gone)) for (const w of this.waiters.splice(0)) w();
  }

  /** What each worker said it refuses, in order; empty for one not ready. */
  refusedBy(): (readonly string[])[] {
    return this.members.map((m) => m.refused);
  }

  /** Items handed to workers so far. */
  get handedOut(): number {
    return this.members.reduce((s, m) => s + m.sent, 0);
  }

  /** The item's answer to come, or null when no worker can take it now. */
  offer(item: CheckItem): Promise<CheckResult> | null {
    if (this.failure !== null) return Promise.reject(this.failure);
    let best: Member | null = null;
    let least = DEPTH;
    for (let i = 0; i < this.members.length; i += 1) {
      const m = this.members[i] as Member;
      const holds = m.sent - Atomics.load(this.done, i);
      if (m.ready && !m.gone && holds < least) {
        best = m;
        least = holds;
      }
    }
    if (best === null) return null;
    const member = best;
    member.sent += 1;
    const result = new Promise<CheckResult>((resolve, reject) => this.waiting.set(item.seq, { member, resolve, reject }));
    member.worker.postMessage(item);
    return result;
  }

  /** Does this worker have items whose answers have not come? */
  private holds(m: Member): boolean {
    for (const p of this.waiting.values()) if (p.member === m) return true;
    return false;
  }

  private fail(e: unknown): void {
    this.failure ??= e;
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.worker.terminate()));
  }
}
