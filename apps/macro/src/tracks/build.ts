import { join, relative } from "node:path";
import type { BuildOutput, TrackInput } from "@macro/machine";
import { digestFile, writeFileAtomic } from "@macro/report";
import { orInputError, readInputText, type Fact } from "@macro/ssot";
import { foreignImports } from "../mvp/bundle-check.ts";
import { execLogged } from "../mvp/exec.ts";
import { runDir } from "../mvp/run-dir.ts";
import type { TrackDeps } from "./deps.ts";

/**
 * Builds tki-inspector into ONE file for the sandbox image (tsup, through the workspace's own
 * build) and checks that it really is self-contained. Safe to repeat: a rebuild of the same
 * sources gives the same bundle.
 */
export async function runBuild(deps: TrackDeps, { input, signal }: { input: TrackInput; signal: AbortSignal }): Promise<BuildOutput> {
  const at = () => deps.now().toISOString();
  const dir = await runDir(deps, input.runId);
  // Built into the run's own folder: the artifact this run tests and records is never the one a
  // concurrent run or a developer's rebuild rewrites under it.
  const outDir = join(dir, "mvp");
  const build = await execLogged("pnpm", ["--filter", "@macro/tki-inspector", "exec", "tsup", "--out-dir", outDir], { cwd: deps.loaded.dir, env: deps.env, signal });
  const logPath = join(dir, "build.log");
  await writeFileAtomic(logPath, build.output);
  const log = relative(deps.paths.cwd, logPath);
  const logDigest = await digestFile(logPath);
  const evidence = [{ id: "build-log", path: log, sha256: logDigest.sha256, bytes: logDigest.bytes, track: "build" as const, origin: "produced" as const, createdAt: at() }];
  const facts: Fact[] = [{ id: "build.command", value: `pnpm --filter @macro/tki-inspector exec tsup --out-dir ${relative(deps.paths.cwd, outDir)}`, source: log, observedAt: at() }];
  if (build.exitCode !== 0) {
    const why = build.error ?? `exit ${build.exitCode}: ${build.output.trim().split("\n").slice(-3).join(" ")}`;
    return { capability: "built", ok: false, reason: `the MVP build failed (${why}); log: ${log}`, facts, evidence, sideEffects: [] };
  }
  const bundlePath = join(outDir, "tki-inspector.js");
  const bundle = orInputError(await readInputText(bundlePath, { kind: "artifact", noSymlink: true }));
  const foreign = foreignImports(bundle);
  const digest = await digestFile(bundlePath);
  const path = relative(deps.paths.cwd, bundlePath);
  facts.push(
    { id: "build.bundle", value: path, source: "tsup (apps/tki-inspector/tsup.config.ts)", observedAt: at() },
    { id: "build.bundle.sha256", value: digest.sha256, source: `sha256 of ${path}`, observedAt: at() },
    { id: "build.bundle.foreignImports", value: foreign.length === 0 ? "none" : foreign.join(", "), source: `import specifiers in ${path}`, observedAt: at() },
  );
  evidence.push({ id: "mvp-bundle", path, sha256: digest.sha256, bytes: digest.bytes, track: "build", origin: "produced", createdAt: at() });
  const ok = foreign.length === 0;
  return {
    capability: "built",
    ok,
    reason: ok ? `one self-contained file, ${digest.bytes} bytes, sha256 ${digest.sha256}` : `the bundle imports packages the sandbox image does not have: ${foreign.join(", ")}`,
    facts,
    evidence,
    sideEffects: [{ kind: "file-written", detail: path, at: at() }],
  };
}
