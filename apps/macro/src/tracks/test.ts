import { join, relative } from "node:path";
import type { TestOutput, TrackInput } from "@macro/machine";
import { digestFile, writeFileOnce } from "@macro/report";
import { orInputError, readInputText, type EvidenceRef, type Fact } from "@macro/ssot";
import { trustedKeys, verifyBundleFile } from "@macro/attest";
import { sha256Hex, spkiBase64 } from "@macro/verifier";
import { detectEngine } from "@macro/sandbox";
import { execLogged } from "../mvp/exec.ts";
import { sandboxAcceptance } from "../mvp/in-sandbox.ts";
import { runDir } from "../mvp/run-dir.ts";
import { parseVitestJson, testResultStatement, type TestCase } from "../mvp/test-results.ts";
import type { TrackDeps } from "./deps.ts";

/** The MVP's acceptance suites: every [#NN]-tagged test of the inspector and its CLI. */
export const SUITES = ["@macro/inspector", "@macro/tki-inspector"] as const;

/**
 * Runs the MVP's test suites and its in-sandbox acceptance checks, and records each as an
 * in-toto test-result Statement, one a line in the run's evidence.intoto.jsonl. A skipped test
 * counts against the track: it proves nothing.
 */
export async function runTests(deps: TrackDeps, { input, signal }: { input: TrackInput; signal: AbortSignal }): Promise<TestOutput> {
  const at = () => deps.now().toISOString();
  const dir = await runDir(deps, input.runId);
  const mark = deps.recorder.entries.length;
  const bundle = input.evidence.find((e) => e.id === "mvp-bundle");
  const attestation = input.evidence.find((e) => e.id === "attestation");
  if (bundle === undefined || attestation === undefined) {
    return fail("the build and attestation evidence of this run is missing", [], []);
  }
  // The MVP's subject must run in the sandbox: without an engine here (an operator attested
  // elsewhere) its tests cannot run as required, and a partial run would only produce skips.
  const engine = await detectEngine(deps.env);
  if (!engine.ok) {
    const tried = engine.error.tried.map((t) => `${t.kind} at ${t.endpoint}: ${t.error}`).join("; ");
    return fail(`no container engine on this venue to run the MVP's tests in the attested sandbox (${tried})`, [{ id: "test.engine", value: tried, source: "detectEngine", observedAt: at() }], []);
  }
  const statements: object[] = [];
  const evidence: EvidenceRef[] = [];
  const facts: Fact[] = [];
  const all: TestCase[] = [];
  const subject = { name: bundle.path, sha256: bundle.sha256 };

  const tally = () => ({ passed: all.filter((c) => c.status === "passed").length, failed: all.filter((c) => c.status === "failed").length, skipped: all.filter((c) => c.status === "skipped").length });
  for (const suite of SUITES) {
    deps.progress?.({ track: "test", step: `suite ${suite}`, tests: tally() });
    const file = join(dir, `tests-${suite.replace(/[@/]/g, "_")}.json`);
    const env = { ...deps.env, TKI_INSPECTOR_BUNDLE: join(deps.paths.cwd, bundle.path) };
    const run = await execLogged("pnpm", ["--filter", suite, "exec", "vitest", "run", "--reporter=json", `--outputFile=${file}`], { cwd: deps.loaded.dir, env, signal });
    const report = await readInputText(file, { kind: "evidence", noSymlink: true });
    const parsed = parseVitestJson(report.ok ? report.value : "", suite);
    const cases = parsed.ok ? parsed.value : [{ name: `${suite}: ${parsed.error} (exit ${run.exitCode}: ${run.output.trim().split("\n").slice(-2).join(" ")})`, status: "failed" as const }];
    all.push(...cases);
    statements.push(testResultStatement(subject, suite, cases));
    facts.push({ id: `tests.${suite}`, value: summary(cases), source: relative(deps.paths.cwd, file), observedAt: at() });
  }

  const attested = await attestedImage(deps, input.runId, attestation, input.evidence.find((e) => e.id === "run-key"));
  if (attested === null) {
    all.push({ name: "macro run › sandbox › the attestation of this run, signed by its run key, names the image to run in", status: "failed" });
  } else {
    deps.progress?.({ track: "test", step: "acceptance in the attested sandbox", tests: tally() });
    const cases = await sandboxAcceptance({
      engine: engine.value,
      image: attested.image,
      loaded: deps.loaded,
      attestation: { path: join(deps.paths.cwd, attestation.path), publicKey: spkiBase64(attested.runKeyPem) },
      runId: input.runId,
      outDir: join(dir, "fix7"),
      recorder: deps.recorder,
      env: deps.env,
      signal,
      inspectorBundle: join(deps.paths.cwd, bundle.path),
    });
    all.push(...cases);
    statements.push(testResultStatement(subject, "macro run: sandbox acceptance", cases));
    facts.push({ id: "tests.sandbox", value: summary(cases), source: "macro run (tki-inspector in the attested sandbox)", observedAt: at() });
  }

  // Written once, named by its digest: a repeated test track never replaces what a record points at.
  const lines = statements.map((s) => `${JSON.stringify(s)}\n`).join("");
  const jsonl = join(dir, `evidence-${sha256Hex(lines).slice(0, 16)}.intoto.jsonl`);
  await writeFileOnce(jsonl, lines);
  const digest = await digestFile(jsonl);
  evidence.push({ id: "test-results", path: relative(deps.paths.cwd, jsonl), sha256: digest.sha256, bytes: digest.bytes, track: "test", origin: "produced", createdAt: at() });

  const count = (s: TestCase["status"]) => all.filter((c) => c.status === s).length;
  const failed = all.filter((c) => c.status !== "passed");
  for (const c of failed.slice(0, 20)) facts.push({ id: `test.${c.status}`, value: c.name, source: relative(deps.paths.cwd, jsonl), observedAt: at() });
  return {
    capability: "built",
    ok: count("failed") === 0 && count("skipped") === 0 && count("passed") > 0,
    reason: `${count("passed")} passed, ${count("failed")} failed, ${count("skipped")} skipped`,
    passed: count("passed"),
    failed: count("failed"),
    skipped: count("skipped"),
    notRun: 0,
    facts,
    evidence,
    sideEffects: deps.recorder.since(mark),
  };
}

/** The image the run attested, read only from the attestation as its run key signed it. */
async function attestedImage(deps: TrackDeps, runId: string, attestation: EvidenceRef, runKey: EvidenceRef | undefined): Promise<{ image: string; runKeyPem: string } | null> {
  if (runKey === undefined) return null;
  const key = orInputError(await readInputText(join(deps.paths.cwd, runKey.path), { kind: "key", noSymlink: true }));
  if (sha256Hex(key) !== runKey.sha256) return null;
  const verdict = await verifyBundleFile(deps.loaded, join(deps.paths.cwd, attestation.path), await trustedKeys(deps.loaded, []), deps.now(), { kind: "run", runId, runPublicKeyPem: key, imageId: null });
  return verdict.accepted && verdict.statement !== null ? { image: verdict.statement.predicate.image.ref, runKeyPem: key } : null;
}

function summary(cases: TestCase[]): string {
  const n = (s: TestCase["status"]) => cases.filter((c) => c.status === s).length;
  return `${n("passed")} passed, ${n("failed")} failed, ${n("skipped")} skipped`;
}

function fail(reason: string, facts: Fact[], evidence: EvidenceRef[]): TestOutput {
  return { capability: "built", ok: false, reason, passed: 0, failed: 0, skipped: 0, notRun: 1, facts, evidence, sideEffects: [] };
}
