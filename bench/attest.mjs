// B4′ sandbox cost: cold offline image build, and warm runs under the strict deny-by-default
// profile (runInSandbox: `node -e 0`, then the 19 probes) as a ratio to a bare
// `docker run --rm <image> -e 0` measured in the same run, each through the Engine API client
// and through the CLI path (what tcp://, ssh:// and podman use). BENCH_FLAGS=1 adds what each
// strict flag costs alone on a bare `docker run`. Needs `pnpm --filter @macro/sandbox build`,
// `pnpm --filter @macro/probes build` and `pnpm --filter @macro/cli build`.
// With no container engine it prints "skipped: no container engine" and exits 0.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, report, root } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const BUILDS = Number(process.env.BENCH_BUILDS ?? RUNS);

const FLAGS = process.env.BENCH_FLAGS === "1";

const sandbox = await import(join(root, "packages/sandbox/dist/index.js"));
const { loadSsot } = await import(join(root, "packages/ssot/dist/index.js"));
const { buildSandboxImage, detectEngine, memoryRecorder, runInSandbox, sandboxImageInputs } = sandbox;
const { DOCKERFILE_PATH, REFERENCE_STRICT_RUN_FLAGS, SECCOMP_PROFILE_PATH } = sandbox;

const detected = await detectEngine(process.env);
if (!detected.ok) {
  report("sandbox attestation (B4′)", [{ name: "skipped: no container engine", value: detected.error.tried.map((t) => `${t.kind}: ${t.error}`).join("; ") }]);
  process.exit(0);
}
const engine = detected.value;
const cliDetected = await detectEngine(process.env, { transport: "cli" });
if (!cliDetected.ok) throw new Error("the engine answers its API but not its CLI");
const cliEngine = cliDetected.value;
const loaded = await loadSsot(join(root, "macro.yaml"));
if (!loaded.ok) throw new Error(`macro.yaml: ${JSON.stringify(loaded.error)}`);
const { runFlags, probes } = loaded.value.ssot.sandbox;

function timeBare(image, flags = []) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(engine.kind, ["run", "--rm", "--pull", "never", ...flags, image, "-e", "0"], { stdio: ["ignore", "ignore", "pipe"] });
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
  // The attestation image's own payload: the probe bundle and the static helper.
  const payload = [
    { source: join(scratch, "payload.js"), target: "/opt/macro/payload.js" },
    { source: join(root, "packages/probes/dist/probe-entry.cjs"), target: "/opt/macro/probe-entry.cjs" },
    { source: join(root, "packages/probes/dist/syscall-probe"), target: "/opt/macro/syscall-probe", mode: 0o755 },
  ];
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

  const strictRun = async (via, flags, command) => {
    const start = process.hrtime.bigint();
    const r = await runInSandbox(via, { image: imageRef, profile: flags, seccompProfilePath: SECCOMP_PROFILE_PATH, command, timeoutMs: 60_000, recorder: memoryRecorder() });
    if (!r.ok || r.value.exitCode !== 0) throw new Error(`strict run failed: ${JSON.stringify(r)}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  // A fresh nonce per run, as `macro attest` issues one.
  const probeCommand = () => ["/opt/macro/probe-entry.cjs", "--expect-json", JSON.stringify(probes), "--nonce", randomBytes(16).toString("hex")];
  const series = { bare: [], nodeApi: [], nodeCli: [], probesApi: [], probesCli: [] };
  await timeBare(imageRef); // first-run effects (page cache, overlay setup) out of every series
  // Interleaved, so a slow moment of the machine lands on every series alike.
  for (let i = 0; i < RUNS; i += 1) {
    series.bare.push(await timeBare(imageRef));
    series.nodeApi.push(await strictRun(engine, REFERENCE_STRICT_RUN_FLAGS, ["-e", "0"]));
    series.nodeCli.push(await strictRun(cliEngine, REFERENCE_STRICT_RUN_FLAGS, ["-e", "0"]));
    series.probesApi.push(await strictRun(engine, runFlags, probeCommand()));
    series.probesCli.push(await strictRun(cliEngine, runFlags, probeCommand()));
  }
  const flagRows = [];
  if (FLAGS) {
    const seccomp = `seccomp=${SECCOMP_PROFILE_PATH}`;
    const alone = {
      "--network none": ["--network", "none"],
      "--read-only": ["--read-only"],
      "--cap-drop ALL": ["--cap-drop", "ALL"],
      "--security-opt no-new-privileges": ["--security-opt", "no-new-privileges"],
      "--security-opt seccomp=<profile>": ["--security-opt", seccomp],
      "--user 65534:65534": ["--user", "65534:65534"],
      "--pids-limit 64": ["--pids-limit", "64"],
      "--memory 256m": ["--memory", "256m"],
      "--tmpfs /tmp:…": ["--tmpfs", "/tmp:rw,noexec,nosuid,nodev,size=16m"],
    };
    const all = Object.values(alone).flat();
    const noNet = Object.entries(alone).filter(([k]) => k !== "--network none").flatMap(([, v]) => v);
    const variants = { bare: [], ...alone, "every strict flag": all, "every strict flag but --network none": noNet };
    const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    for (let i = 0; i < RUNS; i += 1) for (const [k, flags] of Object.entries(variants)) times[k].push(await timeBare(imageRef, flags));
    const base = median(times.bare);
    for (const [k, v] of Object.entries(times)) flagRows.push({ name: `docker run --rm ${k === "bare" ? "(no flag)" : k}`, ms: median(v), ratio: median(v) / base });
  }
  // The operator's whole command, warm: image present, every probe in one container, verdicts
  // recomputed, the bundle written (to a scratch reports dir).
  const attests = [];
  const containers = [];
  for (let i = 0; i < RUNS; i += 1) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [join(root, "apps/macro/bin.cjs"), "attest", "--json"], {
      cwd: root,
      env: { ...process.env, MACRO_REPORTS_DIR: join(scratch, "reports"), MACRO_CHECKPOINTS_DIR: join(scratch, "checkpoints") },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (r.status !== 0) throw new Error(`macro attest exit ${r.status}: ${r.stderr}`);
    attests.push(Number(process.hrtime.bigint() - start) / 1e6);
    containers.push(JSON.parse(r.stdout).timing.containerMs);
  }
  const bare = median(series.bare);
  const row = (name, values, extra = {}) => ({ name, ms: median(values), ratio: median(values) / bare, ...extra });
  report(`sandbox attestation (B4′), ${engine.kind} ${engine.serverVersion}, median of ${RUNS} (builds: ${BUILDS})`, [
    { name: "cold image build (digest tag removed first)", ms: median(builds) },
    { name: "warm build (digest tag present, no rebuild)", ms: warmMs },
    { name: "bare docker run --rm <image> -e 0 (baseline)", ms: bare },
    row("runInSandbox node -e 0, strict, Engine API", series.nodeApi),
    row("runInSandbox node -e 0, strict, CLI path", series.nodeCli),
    row("runInSandbox 19 probes, SSOT flags, Engine API", series.probesApi, { target: "≤ 1.3×" }),
    row("runInSandbox 19 probes, SSOT flags, CLI path", series.probesCli),
    row("warm attestation: the one container running all 19 probes (`macro attest` timing.containerMs)", containers, { target: "≤ 1.3×" }),
    row("warm attestation: whole `macro attest` command (CLI start, venue, image check, judge, bundle)", attests),
    ...flagRows,
  ]);
} finally {
  if (imageRef !== null) await engine.removeImage(imageRef);
  await engine.removeImage(profile.image);
  rmSync(scratch, { recursive: true, force: true });
}
