import { mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readInputText, type LoadedSsot } from "@macro/ssot";
import type { ContainerEngine, SideEffectRecorder } from "@macro/sandbox";
import { inspectInSandbox } from "./inspect.ts";
import { checkOutDir } from "../lib/out-dir.ts";
import { execLogged } from "./exec.ts";
import type { TestCase } from "./test-results.ts";

export interface SandboxTestContext {
  engine: ContainerEngine;
  image: string;
  loaded: LoadedSsot;
  attestation: { path: string; publicKey: string };
  runId: string;
  outDir: string;
  recorder: SideEffectRecorder;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  /** The bundle this run built (and records as its MVP artifact). */
  inspectorBundle: string;
}

const FIX7 = "fixtures/packets/FIX7";
const GOLDEN = "fixtures/packets/FIX7.expected";

/**
 * The acceptance checks whose subject must run where the run attested: FIX7 through the built
 * bundle inside the sandbox against its golden report, and the same bundle on the host, where
 * it must fail closed.
 */
export async function sandboxAcceptance(ctx: SandboxTestContext): Promise<TestCase[]> {
  const root = ctx.loaded.dir;
  const cases: TestCase[] = [];
  const packetDir = join(root, FIX7);
  // The run's own directory: a report left by an interrupted attempt of this track goes first
  // (rm removes a link planted there, never what it points to), so a resumed run starts clean.
  await rm(ctx.outDir, { recursive: true, force: true });
  const out = await checkOutDir(ctx.outDir, { cwd: root, packetDir, repoDir: root });
  const run = await inspectInSandbox({ ...ctx, packetDir, out, repoDir: root, cwd: root });
  const inside = run.ok && run.value.exitCode === 0;
  for (const [tag, file] of [["[#17]", "report.json"], ["[#18]", "report.md"]] as const) {
    const same = inside && (await readOrNull(join(ctx.outDir, file))) === (await readOrNull(join(root, GOLDEN, file)));
    cases.push({ name: `macro run › sandbox › ${tag} FIX7 inside the attested sandbox reproduces the golden ${file}`, status: same ? "passed" : "failed" });
  }

  const scratch = await mkdtemp(join(tmpdir(), "macro-host-"));
  try {
    const out = join(scratch, "out");
    const host = await execLogged(process.execPath, [ctx.inspectorBundle, "inspect", join(root, FIX7), "--out", out, "--attestation", ctx.attestation.path, "--attestation-key", ctx.attestation.publicKey, "--run-id", ctx.runId], { cwd: scratch, env: { PATH: ctx.env.PATH } });
    const closed = host.exitCode === 3 && !existsSync(out);
    cases.push({ name: "macro run › host › [#40] the bundled inspector run directly on the host exits 3 and writes nothing", status: closed ? "passed" : "failed" });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return cases;
}

async function readOrNull(path: string): Promise<string | null> {
  const r = await readInputText(path, { kind: "evidence", noSymlink: true });
  return r.ok ? r.value : null;
}
