import { randomBytes } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { AttestOutput, BuildOutput, Rederive, Rederived, TestOutput, TrackInput } from "@macro/machine";
import { digestFile } from "@macro/report";
import type { EvidenceRef, Fact } from "@macro/ssot";
import type { TrackDeps } from "../tracks/deps.ts";

/**
 * How a resumed run re-establishes a track its checkpoint records as passed. Nothing in the
 * recorded output is taken on trust: every pinned file must sit where this run writes (bound to
 * its run id), hash to its pin, and re-verify; the output handed to the track's guards is built
 * from those files. Tracks whose truth is the present (the SSOT, the venue, the binding over the
 * matrix, the record) run again on every resume.
 */
export function rederiver(deps: TrackDeps): Rederive {
  return async (track, recorded, input, signal) => {
    switch (track) {
      case "attest":
        return (await attest(deps, recorded as AttestOutput, input)) as Rederived<typeof track>;
      case "build":
        return (await build(deps, recorded as BuildOutput, input, signal)) as Rederived<typeof track>;
      case "test":
        return (await tests(deps, recorded as TestOutput, input)) as Rederived<typeof track>;
      default:
        return { ok: false, reason: `${track} is observed afresh on every resume` };
    }
  };
}

type Pinned = { ok: true; ref: EvidenceRef; abs: string } | { ok: false; reason: string };

const inside = (path: string, root: string) => {
  const r = relative(root, path);
  return r !== "" && !r.startsWith("..") && !isAbsolute(r);
};

/** The one evidence file `id` the output pins: under `root`, with the bytes it was pinned with. */
async function pinned(deps: TrackDeps, evidence: readonly EvidenceRef[], id: string, root: string): Promise<Pinned> {
  const refs = evidence.filter((e) => e.id === id);
  const ref = refs[0];
  if (ref === undefined || refs.length !== 1) return { ok: false, reason: `${refs.length} pins for ${id}, not one` };
  const abs = resolve(deps.paths.cwd, ref.path);
  if (!inside(abs, root)) return { ok: false, reason: `${ref.path} is not where this run writes (${relative(deps.paths.cwd, root)}): not bound to this run` };
  const now = await digestFile(abs).catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
  if (typeof now === "string") return { ok: false, reason: `${ref.path} is missing or unreadable: ${now}` };
  if (now.sha256 !== ref.sha256 || now.bytes !== ref.bytes) return { ok: false, reason: `${ref.path} changed since it was pinned (sha256 ${now.sha256}, pinned ${ref.sha256})` };
  return { ok: true, ref, abs };
}

const runRoot = (deps: TrackDeps, runId: string) => join(deps.paths.reportsDir, "runs", runId);
const fact = (deps: TrackDeps, id: string, value: string, source: string): Fact => ({ id, value, source, observedAt: deps.now().toISOString() });

async function attest(deps: TrackDeps, recorded: AttestOutput, input: TrackInput): Promise<Rederived<"attest">> {
  // An operator's bundle is accepted by B4′ itself, read-only and cheaply: it runs again.
  if (recorded.evidence.some((e) => e.origin !== "produced")) return { ok: false, reason: "an operator's bundle: B4′ verifies it again" };
  const pin = await pinned(deps, recorded.evidence, "attestation", runRoot(deps, input.runId));
  if (!pin.ok) return pin;
  const { trustedKeys, verifyBundleFile } = await import("@macro/attest");
  const verdict = await verifyBundleFile(deps.loaded, pin.abs, await trustedKeys(deps.loaded, []), deps.now());
  if (!verdict.accepted) return { ok: false, reason: `${pin.ref.path} no longer verifies: ${verdict.reasons.map((r) => r.code).join(", ")}` };
  const boundTo = verdict.statement?.predicate.runId ?? null;
  if (boundTo !== input.runId) return { ok: false, reason: `${pin.ref.path} attests run ${String(boundTo)}, not run ${input.runId}: not bound to this run` };
  // The venue was observed again on resume: a bundle from another venue does not speak for this one.
  const venue = input.outputs.venue?.verdict.venueId ?? null;
  if (verdict.venueId !== venue) return { ok: false, reason: `${pin.ref.path} attests venue ${String(verdict.venueId)}, but this venue is ${String(venue)}` };
  return {
    ok: true,
    output: {
      capability: "built",
      ok: true,
      reason: `bundle ${pin.ref.path} re-verified read-only and bound to run ${input.runId}`,
      facts: [fact(deps, "attest.bundle", pin.ref.path, "macro resume (re-verified)")],
      evidence: [pin.ref],
      sideEffects: recorded.sideEffects,
    },
  };
}

/** The build's inputs are pinned by reproducing it: the same sources give the same bundle bytes. */
async function build(deps: TrackDeps, recorded: BuildOutput, input: TrackInput, signal: AbortSignal): Promise<Rederived<"build">> {
  const root = runRoot(deps, input.runId);
  const bundle = await pinned(deps, recorded.evidence, "mvp-bundle", root);
  if (!bundle.ok) return bundle;
  const log = await pinned(deps, recorded.evidence, "build-log", root);
  if (!log.ok) return log;
  const scratch = join(root, `rederive-${randomBytes(4).toString("hex")}`);
  try {
    const { execLogged } = await import("../mvp/exec.ts");
    const again = await execLogged("pnpm", ["--filter", "@macro/tki-inspector", "exec", "tsup", "--out-dir", scratch], { cwd: deps.paths.cwd, env: deps.env, signal });
    if (again.exitCode !== 0) return { ok: false, reason: `the sources no longer build (exit ${String(again.exitCode)})` };
    const now = await digestFile(join(scratch, "tki-inspector.js"));
    if (now.sha256 !== bundle.ref.sha256) return { ok: false, reason: `the sources changed since the build: they now build ${now.sha256}, the run pinned ${bundle.ref.sha256}` };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const { foreignImports } = await import("../mvp/bundle-check.ts");
  const foreign = foreignImports(await readFile(bundle.abs, "utf8"));
  return {
    ok: true,
    output: {
      capability: "built",
      ok: foreign.length === 0,
      reason: foreign.length === 0 ? `${bundle.ref.path} reproduced from the current sources, byte for byte` : `the bundle imports ${foreign.join(", ")}`,
      facts: [fact(deps, "build.bundle.sha256", bundle.ref.sha256, `sha256 of ${bundle.ref.path}, reproduced`)],
      evidence: [log.ref, bundle.ref],
      sideEffects: recorded.sideEffects,
    },
  };
}

/** Test counts come from the pinned statements, about the bundle this run has now, never from the checkpoint. */
async function tests(deps: TrackDeps, recorded: TestOutput, input: TrackInput): Promise<Rederived<"test">> {
  const pin = await pinned(deps, recorded.evidence, "test-results", runRoot(deps, input.runId));
  if (!pin.ok) return pin;
  const bundle = input.evidence.filter((e) => e.id === "mvp-bundle");
  if (bundle.length !== 1) return { ok: false, reason: "this run has no single bundle the results could be about" };
  const subject = bundle[0]?.sha256;
  const [{ TestResultStatement }, { SUITES }] = await Promise.all([import("../mvp/test-results.ts"), import("../tracks/test.ts")]);
  const expected = [...SUITES, "macro run: sandbox acceptance"].sort();
  const seen: string[] = [];
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const line of (await readFile(pin.abs, "utf8")).split("\n").filter((l) => l !== "")) {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return { ok: false, reason: `${pin.ref.path}: a line is not JSON` };
    }
    const s = TestResultStatement.safeParse(json);
    if (!s.success) return { ok: false, reason: `${pin.ref.path}: a line is not a test-result statement` };
    if (s.data.subject.length !== 1 || s.data.subject[0]?.digest.sha256 !== subject) return { ok: false, reason: `${pin.ref.path}: results about another artifact than this run's bundle ${String(subject)}` };
    seen.push(...s.data.predicate.configuration.map((c) => c.name));
    passed += s.data.predicate.passedTests.length;
    failed += s.data.predicate.failedTests.length;
    skipped += s.data.predicate.warnedTests.length;
  }
  if (seen.sort().join("\n") !== expected.join("\n")) return { ok: false, reason: `${pin.ref.path} holds suites [${seen.join(", ")}], not exactly [${expected.join(", ")}]` };
  return {
    ok: true,
    output: {
      capability: "built",
      ok: failed === 0 && skipped === 0 && passed > 0,
      reason: `${passed} passed, ${failed} failed, ${skipped} skipped (re-read from ${pin.ref.path})`,
      passed,
      failed,
      skipped,
      notRun: 0,
      facts: [fact(deps, "tests.rederived", `${passed} passed, ${failed} failed, ${skipped} skipped`, pin.ref.path)],
      evidence: [pin.ref],
      sideEffects: recorded.sideEffects,
    },
  };
}
