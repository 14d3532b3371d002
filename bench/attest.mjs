// B4′ sandbox cost: cold offline image build, and a warm `node -e 0` under the strict
// deny-by-default profile (runInSandbox) as a ratio to a bare `docker run --rm <image> -e 0`
// measured in the same run. Needs `pnpm --filter @macro/sandbox build` (dist/index.js).
// With no container engine it prints "skipped: no container engine" and exits 0.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, report, root } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const BUILDS = Number(process.env.BENCH_BUILDS ?? RUNS);

const sandbox = await import(join(root, "packages/sandbox/dist/index.js"));
const { buildSandboxImage, detectEngine, memoryRecorder, runInSandbox, sandboxImageInputs } = sandbox;
const { DOCKERFILE_PATH, REFERENCE_STRICT_RUN_FLAGS, SECCOMP_PROFILE_PATH } = sandbox;

const detected = await detectEngine(process.env);
if (!detected.ok) {
  report("sandbox attestation (B4′)", [{ name: "skipped: no container engine", value: detected.error.tried.map((t) => `${t.kind}: ${t.error}`).join("; ") }]);
  process.exit(0);
}
const engine = detected.value;

function timeBare(image) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(engine.kind, ["run", "--rm", "--pull", "never", image, "-e", "0"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - start) / 1e6) : reject(new Error(`bare run exit ${code}: ${stderr}`))));
  });
}

const scratch = mkdtempSync(join(tmpdir(), "macro-bench-attest-"));
// A bench-only image name: the bench never moves the real tki-inspector:attest tag.
const profile = { image: "macro-bench:attest", dockerfile: DOCKERFILE_PATH, seccompProfile: SECCOMP_PROFILE_PATH };
let imageRef = null;
try {
  writeFileSync(join(scratch, "payload.js"), "process.stdout.write('ok');\n");
  const payload = [{ source: join(scratch, "payload.js"), target: "/opt/macro/payload.js" }];
  const inputs = await sandboxImageInputs({ profile, payload });
  if (!inputs.ok) throw new Error(inputs.error.message);
  imageRef = inputs.value.imageRef;

  const builds = [];
  for (let i = 0; i < BUILDS; i += 1) {
    await engine.removeImage(imageRef);
    await engine.removeImage(profile.image);
    const start = process.hrtime.bigint();
    const built = await buildSandboxImage(engine, { profile, payload, recorder: memoryRecorder() });
    if (!built.ok || !built.value.built) throw new Error(`cold build failed: ${JSON.stringify(built)}`);
    builds.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const warmStart = process.hrtime.bigint();
  const warm = await buildSandboxImage(engine, { profile, payload, recorder: memoryRecorder() });
  const warmMs = Number(process.hrtime.bigint() - warmStart) / 1e6;
  if (!warm.ok || warm.value.built) throw new Error("warm build unexpectedly rebuilt");

  const bare = [];
  const strict = [];
  await timeBare(imageRef); // first-run effects (page cache, overlay setup) out of both series
  for (let i = 0; i < RUNS; i += 1) {
    bare.push(await timeBare(imageRef));
    const start = process.hrtime.bigint();
    const r = await runInSandbox(engine, {
      image: imageRef,
      profile: REFERENCE_STRICT_RUN_FLAGS,
      seccompProfilePath: SECCOMP_PROFILE_PATH,
      command: ["-e", "0"],
      timeoutMs: 60_000,
      recorder: memoryRecorder(),
    });
    if (!r.ok || r.value.exitCode !== 0) throw new Error(`strict run failed: ${JSON.stringify(r)}`);
    strict.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  // The operator's whole command, warm: image present, every probe in one container, verdicts
  // recomputed, the bundle written (to a scratch reports dir).
  const attests = [];
  const containers = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [join(root, "apps/macro/bin.js"), "attest", "--json"], {
      cwd: root,
      env: { ...process.env, MACRO_REPORTS_DIR: join(scratch, "reports"), MACRO_CHECKPOINTS_DIR: join(scratch, "checkpoints") },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (r.status !== 0) throw new Error(`macro attest exit ${r.status}: ${r.stderr}`);
    attests.push(Number(process.hrtime.bigint() - start) / 1e6);
    containers.push(JSON.parse(r.stdout).timing.containerMs);
  }
  report(`sandbox attestation (B4′), ${engine.kind} ${engine.serverVersion}, median of ${RUNS} (builds: ${BUILDS})`, [
    { name: "cold image build (digest tag removed first)", ms: median(builds) },
    { name: "warm build (digest tag present, no rebuild)", ms: warmMs },
    { name: "bare docker run --rm <image> -e 0 (baseline)", ms: median(bare) },
    { name: "runInSandbox node -e 0, strict profile", ms: median(strict), ratio: median(strict) / median(bare) },
    { name: "warm attestation: the one container running all 16 probes", ms: median(containers), ratio: median(containers) / median(bare), target: "≤ 1.3×" },
    { name: "warm attestation: whole `macro attest` command (CLI start, venue, image check, judge, bundle)", ms: median(attests), ratio: median(attests) / median(bare) },
  ]);
} finally {
  if (imageRef !== null) await engine.removeImage(imageRef);
  await engine.removeImage(profile.image);
  rmSync(scratch, { recursive: true, force: true });
}
