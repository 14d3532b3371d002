import { availableParallelism } from "node:os";
import { ok, type Result } from "@macro/ssot";
import { CheckPool } from "./check-pool.ts";
import { WORKER_TAG } from "./check-worker.ts";
import type { PacketInputError } from "./errors.ts";
import { finding, type Finding } from "./findings.ts";
import { confinedDir } from "./guard/confine.ts";
import { keySeeds } from "./keys.ts";
import { preflight, type PacketPlan, type PlannedFile } from "./preflight.ts";
import { buildReport, FindingStore, type InspectionReport } from "./report.ts";
import { ItemChecker, type CheckSetup } from "./item-checker.ts";
import { CollectionState, readSlots, scanFile } from "./scan-file.ts";
import { unlistedFindings } from "./unlisted.ts";
import { rememberPacketDir } from "./write.ts";

export interface InspectLimits {
  /** Longest line checked, in bytes (default 1 MiB); longer lines are reported and skipped. */
  maxLineBytes?: number;
  /** Key digests + pending references held per collection (default 5 million). */
  maxKeysPerCollection?: number;
  /**
   * The same over all collections (default 6 million, ~70 MB of index): a packet of many
   * collections of tiny records must not add up to more than the sandbox's memory.
   */
  maxKeysPerPacket?: number;
  /** Findings listed per code (default 10 000); all are still counted. */
  maxFindingsPerCode?: number;
}

export interface InspectOptions {
  packetDir: string;
  limits?: InspectLimits;
  /**
   * The module file check workers run: by default the package's own `check-worker.js`. A bundle
   * that inlines the inspector passes its own file, which serves as a check worker when it is
   * started as one.
   */
  workerScript?: URL;
  /**
   * Check workers (threads) beside the main thread, which checks records too; 0 checks them all
   * on the main thread. By default one per core beyond the first (at most 3) once the data
   * files reach 128 MiB, and none below, where a thread's start costs about what it brings.
   */
  threads?: number;
}

// Measured on two cores: at 100 MB a check worker costs about what it brings (its start and its
// cold JIT), at 300 MB it saves ~7 %, at 1 GiB ~20 %.
const THREADS_FROM_BYTES = 128 * 1024 * 1024;
const DEFAULTS = { maxLineBytes: 1024 * 1024, maxKeysPerCollection: 5_000_000, maxKeysPerPacket: 6_000_000, maxFindingsPerCode: 10_000 };

/**
 * Reads a packet once, file by file, and returns its findings. Refusals (bad manifest,
 * bad schema, escapes, links, missing files) come back as `PacketInputError` before any
 * data is read; defects in the data are findings in the report.
 */
export async function inspectPacket(opts: InspectOptions): Promise<Result<InspectionReport, PacketInputError>> {
  return inspectPacketUsing(opts, { fastPath: true });
}

/** How `inspectPacketUsing` reads records, and what it counts; for tests, not exported from the package. */
export interface InspectMode {
  /** False: every line is parsed and checked in full, the reference the record fast path must agree with. */
  fastPath: boolean;
  /** Records the fast path took, added up over the packet when given. */
  fastRecords?: number;
  /** Wait until the check workers are up before the first read, so they take part from the start. */
  awaitWorkers?: boolean;
  /** Items check workers took, added up when given. */
  workerItems?: number;
}

/** `inspectPacket`, with the record fast path on or off. */
export async function inspectPacketUsing(opts: InspectOptions, mode: InspectMode): Promise<Result<InspectionReport, PacketInputError>> {
  const limits = { ...DEFAULTS, ...opts.limits };
  const planned = preflight(opts.packetDir);
  if (!planned.ok) return planned;
  const plan = planned.value;
  const sink = new FindingStore(limits.maxFindingsPerCode);
  for (const f of plan.findings) sink.add(f);
  unlistedFindings(plan, (f) => sink.add(f));

  if (plan.schemaSha256 !== plan.manifest.schema.sha256) {
    sink.add(finding("INTEGRITY_SHA256", { field: "schema.sha256" }, "schema.json sha256 does not match the manifest"));
  }

  const referenced = new Map<string, Set<string>>();
  for (const c of plan.schema.collections) {
    for (const r of c.relations ?? []) {
      const set = referenced.get(r.collection) ?? new Set<string>();
      set.add(r.key);
      referenced.set(r.collection, set);
    }
  }
  const states = new Map<string, CollectionState>();
  const files = new Map(plan.files.map((f) => [f.collection, f]));
  const shared = { left: limits.maxKeysPerPacket };
  for (const c of plan.schema.collections) {
    // Sized for the records the manifest announces, but never for more than the file could hold
    // ({"k":1} and a newline is 8 bytes): an inflated count must not reserve memory on its own.
    const file = files.get(c.name);
    const expected = file === undefined ? 0 : Math.min(file.expected.records, Math.floor(file.size / 8), limits.maxKeysPerPacket);
    states.set(c.name, new CollectionState(c, referenced.get(c.name) ?? [], limits.maxKeysPerCollection, (f) => sink.add(f), expected, shared));
  }

  const setup = {
    schema: plan.schema,
    referenced: Object.fromEntries([...referenced].map(([c, fields]) => [c, [...fields]])),
    fastPath: mode.fastPath,
    maxLineBytes: limits.maxLineBytes,
  };
  const pool = startPool(plan, opts, setup);
  if (pool !== null && mode.awaitWorkers === true) await pool.started();
  const scanning = { maxLineBytes: limits.maxLineBytes, slots: readSlots(pool !== null), local: new ItemChecker(setup), pool, seq: { n: 0 } };
  try {
    const bytesRead = new Map<string, number>();
    const done = new Set<string>();
    for (const file of readOrder(plan)) {
      const state = states.get(file.collection);
      if (state === undefined) throw new Error(`preflight let through unknown collection ${file.collection}`);
      state.keyChecks.begin((collection, key) => {
        const target = states.get(collection);
        if (target === undefined || !done.has(collection)) return "pending";
        if (target.index.overflowAt !== null) return "not-checked";
        const keys = target.index.sets.get(key);
        if (keys === undefined) throw new Error(`relation target ${collection}.${key} was not indexed`);
        return keys;
      });
      const read = await scanFile(file, state, scanning, (f) => sink.add(f));
      if (!read.ok) return read;
      if (mode.fastRecords !== undefined) mode.fastRecords += state.fastRecords;
      bytesRead.set(file.collection, read.value);
      done.add(file.collection);
    }
    resolveRelations(plan, states, (f) => sink.add(f));
    const report = buildReport(plan, states, bytesRead, sink);
    rememberPacketDir(report, plan.root);
    return ok(report);
  } finally {
    if (mode.workerItems !== undefined) mode.workerItems += pool?.handedOut ?? 0;
    await pool?.close();
  }
}

/** The check workers for this packet (see `InspectOptions.threads`), or null to check on this thread alone. */
function startPool(plan: PacketPlan, opts: InspectOptions, setup: CheckSetup): CheckPool | null {
  // Run from TypeScript sources (the tests), there is no built worker beside this module.
  const script = opts.workerScript ?? (import.meta.url.endsWith(".js") ? new URL("./check-worker.js", import.meta.url) : null);
  if (script === null) return null;
  const bytes = plan.files.reduce((s, f) => s + f.size, 0);
  // The main thread checks too, so one worker fewer than cores.
  const cores = availableParallelism();
  const threads = opts.threads ?? (bytes >= THREADS_FROM_BYTES ? Math.min(cores - 1, 3) : 0);
  if (threads <= 0) return null;
  return CheckPool.start(threads, script, { ...setup, tag: WORKER_TAG, confinedTo: confinedDir() ?? null, seeds: keySeeds() });
}

/**
 * Referenced collections are read first (manifest order otherwise), so most references are
 * checked on the spot against a finished key set. The rest (self-references, cycles) can
 * only be resolved once every file has been read, because they may point at a record that
 * comes later; until then they wait as digests in the referring collection's bounded index.
 */
function readOrder(plan: PacketPlan): PlannedFile[] {
  const deps = new Map(plan.schema.collections.map((c) => [c.name, new Set((c.relations ?? []).map((r) => r.collection).filter((t) => t !== c.name))]));
  const ordered: PlannedFile[] = [];
  const placed = new Set<string>();
  const left = [...plan.files];
  while (left.length > 0) {
    // The first file whose targets are all read; on a cycle, simply the first left.
    const i = Math.max(0, left.findIndex((f) => [...(deps.get(f.collection) ?? [])].every((t) => placed.has(t))));
    const [next] = left.splice(i, 1);
    if (next === undefined) break;
    ordered.push(next);
    placed.add(next.collection);
  }
  return ordered;
}

/** Pending references (see `readOrder`) are resolved here, after every file has been read. */
function resolveRelations(plan: PacketPlan, checkers: Map<string, CollectionState>, add: (f: Finding) => void): void {
  for (const c of plan.schema.collections) {
    const from = checkers.get(c.name);
    if (from === undefined) continue;
    if (from.index.overflowAt !== null) {
      add(
        finding(
          "KEY_INDEX_LIMIT",
          { collection: c.name, line: from.index.overflowAt },
          "key index limit reached: keys and references from this line on are not indexed; duplicates and relations are only partly checked",
        ),
      );
    }
    for (const r of c.relations ?? []) {
      const to = checkers.get(r.collection);
      const keys = to?.index.sets.get(r.key);
      if (to === undefined || keys === undefined) throw new Error(`relation target ${r.collection}.${r.key} was not indexed`);
      if (from.unresolved.has(r.field) || to.index.overflowAt !== null) {
        const whose = to.index.overflowAt !== null ? r.collection : c.name;
        add(finding("RELATION_NOT_CHECKED", { collection: c.name, field: r.field }, `relation to ${r.collection}.${r.key} not checked: key index limit reached in ${whose}`));
        continue;
      }
      for (const ref of from.index.pending.get(r.field) ?? []) {
        if (!keys.has(ref.digest)) {
          add(finding("RELATION_DANGLING", { collection: c.name, line: ref.line, recordKey: ref.recordKey, field: r.field }, `no ${r.collection} record has this ${r.key}`));
        }
      }
    }
  }
}
