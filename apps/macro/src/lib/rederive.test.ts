import { generateKeyPair } from "@macro/verifier";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestOutput, TrackInput } from "@macro/machine";
import { sha256Hex } from "@macro/report";
import { loadSsot, type EvidenceRef, type LoadedSsot } from "@macro/ssot";
import { PASS } from "../../../../packages/machine/src/_fakes.ts";
import { testResultStatement } from "../mvp/test-results.ts";
import { SUITES } from "../tracks/test.ts";
import { SideEffectLog, type TrackDeps } from "../tracks/deps.ts";
import { rederiver } from "./rederive.ts";
import { repoRoot, scratch, type Scratch } from "./_scratch.ts";

// A holder of the checkpoint key can write any pin; what the pins point at must still stand.

const RUN = "20261207T000000Z-ab12";
let s: Scratch;
let loaded: LoadedSsot;
beforeAll(async () => {
  s = scratch();
  const r = await loadSsot(join(repoRoot, "macro.yaml"));
  if (!r.ok) throw new Error("macro.yaml does not load");
  loaded = r.value;
});
afterAll(() => s.remove());

const deps = (): TrackDeps => {
  const log = pino({ level: "silent" });
  return { paths: s.paths, loaded, env: s.io.env, recorder: new SideEffectLog(log), log, now: () => new Date(), venueSource: { kind: "live" } as TrackDeps["venueSource"], venueFacts: null, runKey: generateKeyPair() };
};

const runDir = (runId = RUN) => {
  const dir = join(s.paths.reportsDir, "runs", runId);
  mkdirSync(dir, { recursive: true });
  return dir;
};

function pin(id: string, file: string, track: EvidenceRef["track"]): EvidenceRef {
  const bytes = readFileSync(file);
  return { id, path: relative(repoRoot, file), sha256: sha256Hex(bytes), bytes: bytes.byteLength, track, origin: "produced", createdAt: "t" };
}

const BUNDLE = "b".repeat(64);
const input = (runId = RUN): TrackInput => ({
  runId,
  ssotSha256: loaded.sha256,
  track: "test",
  tracks: [],
  outputs: {},
  evidence: [{ id: "mvp-bundle", path: "x", sha256: BUNDLE, bytes: 1, track: "build", origin: "produced", createdAt: "t" }],
  facts: [],
  sideEffects: [],
});

/** The three suites' results as the test track writes them; `failing` tests fail. */
function results(file: string, failing: string[] = [], subject = BUNDLE, suites: string[] = [...SUITES, "macro run: sandbox acceptance"]) {
  const lines = suites.map((suite) =>
    JSON.stringify(testResultStatement({ name: "mvp", sha256: subject }, suite, [{ name: `${suite} › [#01] works`, status: "passed" }, ...failing.map((name) => ({ name, status: "failed" as const }))])),
  );
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

const recordedTest = (ref: EvidenceRef): TestOutput => ({ ...PASS.test, evidence: [ref] });
const rederive = (track: "test" | "build" | "attest", recorded: never, i = input()) => rederiver(deps())(track, recorded, i, new AbortController().signal);

describe("re-deriving the test track", () => {
  it("counts come from the pinned file about this run's bundle, not from the checkpoint", async () => {
    const file = results(join(runDir(), "evidence.intoto.jsonl"), ["a failing test"]);
    const r = await rederive("test", recordedTest(pin("test-results", file, "test")) as never);
    expect(r.ok && r.output).toMatchObject({ ok: false, passed: 3, failed: 3 });
  });

  it("a failing test moved to passed in a copied file the checkpoint points at: not bound to this run, re-opened", async () => {
    results(join(runDir(), "evidence.intoto.jsonl"), ["a failing test"]);
    const copy = results(join(s.paths.reportsDir, "evidence-copy.jsonl"));
    const r = await rederive("test", recordedTest(pin("test-results", copy, "test")) as never);
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining("not bound to this run") });
    // The same copy placed in another run's folder is no better.
    const other = join(runDir("20261207T000000Z-0ther"), "evidence.intoto.jsonl");
    copyFileSync(copy, other);
    expect(await rederive("test", recordedTest(pin("test-results", other, "test")) as never)).toMatchObject({ ok: false, reason: expect.stringContaining("not bound") });
  });

  it("the run's own file edited after it was pinned: re-opened", async () => {
    const file = results(join(runDir(), "evidence.intoto.jsonl"), ["a failing test"]);
    const ref = pin("test-results", file, "test");
    results(file);
    expect(await rederive("test", recordedTest(ref) as never)).toMatchObject({ ok: false, reason: expect.stringContaining("changed since it was pinned") });
  });

  it("results about another artifact, or missing a suite, or no file at all: re-opened", async () => {
    const about = results(join(runDir(), "evidence.intoto.jsonl"), [], "c".repeat(64));
    expect(await rederive("test", recordedTest(pin("test-results", about, "test")) as never)).toMatchObject({ ok: false, reason: expect.stringContaining("another artifact") });
    const partial = results(join(runDir(), "evidence.intoto.jsonl"), [], BUNDLE, [SUITES[0]]);
    expect(await rederive("test", recordedTest(pin("test-results", partial, "test")) as never)).toMatchObject({ ok: false, reason: expect.stringContaining("not exactly") });
    const gone = { ...pin("test-results", partial, "test"), path: relative(repoRoot, join(runDir(), "nothing.jsonl")) };
    expect(await rederive("test", recordedTest(gone) as never)).toMatchObject({ ok: false, reason: expect.stringContaining("missing") });
    expect(await rederive("test", { ...PASS.test, evidence: [] } as never)).toMatchObject({ ok: false });
  });
});

describe("re-deriving the build and the attestation", () => {
  it("a bundle the current sources no longer build (the source broke after the run): re-opened", async () => {
    const dir = join(runDir(), "mvp");
    mkdirSync(dir, { recursive: true });
    const bundle = join(dir, "tki-inspector.js");
    writeFileSync(bundle, "export const built = 'from older sources';\n");
    const log = join(runDir(), "build.log");
    writeFileSync(log, "ok\n");
    const recorded = { ...PASS.build, evidence: [pin("build-log", log, "build"), pin("mvp-bundle", bundle, "build")] };
    const r = await rederive("build", recorded as never);
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining("the sources changed since the build") });
  }, 60_000);

  it("an attestation that does not verify, or lies outside this run's folder: re-opened", async () => {
    const bundle = join(runDir(), "sandbox-attestation-evidence-V2-2026-12-07.json");
    writeFileSync(bundle, JSON.stringify({ payloadType: "x", payload: "", signatures: [] }));
    const r = await rederive("attest", { ...PASS.attest, evidence: [pin("attestation", bundle, "attest")] } as never);
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining("no longer verifies") });
    const outside = pin("attestation", join(repoRoot, "macro.yaml"), "attest");
    expect(await rederive("attest", { ...PASS.attest, evidence: [outside] } as never)).toMatchObject({ ok: false, reason: expect.stringContaining("not bound") });
  });

  it("the tracks whose truth is the present always run again", async () => {
    for (const track of ["ssot", "venue", "bind", "persist"] as const) {
      expect(await rederiver(deps())(track, PASS[track] as never, input(), new AbortController().signal)).toMatchObject({ ok: false, reason: expect.stringContaining("afresh") });
    }
  });
});
