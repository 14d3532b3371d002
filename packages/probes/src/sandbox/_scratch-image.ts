// Test-only (not exported): assembles a FROM-scratch image holding this machine's Node, its
// shared libraries, a fresh probe-entry bundle and the helper, the way B4′ does, without any
// registry. Used by in-container.test.ts; the sandbox package owns the production image.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "tsup";
import { deferCleanup, ownerLabelArgs, tempDir } from "@macro/test-utils";
import { probeEntryOptions } from "../../tsup.config.ts";

const PACKAGE_DIR = fileURLToPath(new URL("../../", import.meta.url));

function succeeds(command: string, args: string[]): boolean {
  const run = spawnSync(command, args, { stdio: "ignore", timeout: 20_000 });
  return run.error === undefined && run.status === 0;
}

/** True when a Docker engine answers, and the tools to assemble the image exist. */
export function canBuildScratchImage(): boolean {
  return succeeds("docker", ["info", "--format", "{{.ServerVersion}}"]) && succeeds("gcc", ["--version"]) && succeeds("ldd", ["--version"]);
}

function run(command: string, args: string[], timeout = 120_000): string {
  const result = spawnSync(command, args, { encoding: "utf8", timeout, maxBuffer: 16 << 20 });
  if (result.error !== undefined || result.status !== 0) {
    throw new Error(`${command} ${args.slice(0, 2).join(" ")} failed: ${result.error?.message ?? result.stderr}`);
  }
  return result.stdout;
}

/** The absolute library paths `ldd` lists for a binary (including the dynamic loader). */
export function sharedLibraries(binary: string): string[] {
  return [...run("ldd", [binary]).matchAll(/(\/\S+) \(0x/g)].map((match) => match[1] ?? "").filter((path) => path.length > 0);
}

export interface ScratchImage {
  tag: string;
  remove(): Promise<void>;
}

export async function buildScratchImage(): Promise<ScratchImage> {
  const work = await tempDir("macro-probes-image-");
  const tag = `macro-probes-it:${randomBytes(6).toString("hex")}`;
  const remove = async () => {
    spawnSync("docker", ["rmi", "-f", tag], { stdio: "ignore", timeout: 60_000 });
    await rm(work, { recursive: true, force: true });
  };
  // Removed with the test (or file) that built it even when the caller's own removal never runs.
  deferCleanup(remove);
  try {
    const rootfs = join(work, "rootfs");
    const macroDir = join(rootfs, "opt", "macro");
    await mkdir(macroDir, { recursive: true });
    await mkdir(join(rootfs, "tmp"), { recursive: true });
    // As in the attestation image: the engine copies this mode onto the /tmp tmpfs.
    await chmod(join(rootfs, "tmp"), 0o1777);
    await mkdir(join(rootfs, "usr", "local", "bin"), { recursive: true });
    await build({ ...probeEntryOptions, config: false, silent: true, outDir: join(work, "bundle") });
    await copyFile(join(work, "bundle", "probe-entry.cjs"), join(macroDir, "probe-entry.cjs"));
    run(process.execPath, [join(PACKAGE_DIR, "helper", "build.mjs"), join(macroDir, "syscall-probe")]);
    await copyFile(process.execPath, join(rootfs, "usr", "local", "bin", "node"));
    await chmod(join(rootfs, "usr", "local", "bin", "node"), 0o755);
    for (const library of sharedLibraries(process.execPath)) {
      await mkdir(join(rootfs, dirname(library)), { recursive: true });
      await copyFile(library, join(rootfs, library));
    }
    await writeFile(join(work, "Dockerfile"), 'FROM scratch\nCOPY rootfs/ /\nENTRYPOINT ["/usr/local/bin/node"]\n');
    run("docker", ["build", "-q", ...ownerLabelArgs(), "-t", tag, work], 300_000);
    return { tag, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** The deny-by-default profile the SSOT names (packages/sandbox owns it). */
export const SECCOMP_PROFILE = fileURLToPath(new URL("../../../sandbox/seccomp-deny-by-default.json", import.meta.url));

/** The SSOT's run flags (macro.yaml sandbox.runFlags) as the CLI path sends them. */
export const HARDENED_RUN_FLAGS = [
  "--rm",
  "--cgroupns", "private",
  "--network", "none",
  "--read-only",
  "--cap-drop", "ALL",
  "--security-opt", "no-new-privileges",
  "--security-opt", `seccomp=${SECCOMP_PROFILE}`,
  "--user", "65534:65534",
  "--pids-limit", "64",
  "--memory", "256m",
  "--tmpfs", "/tmp:rw,noexec,nosuid,nodev,size=16m",
] as const;

/** A deliberately weak container (root, writable root, default caps, no limits) for negative controls. */
export const WEAK_RUN_FLAGS = ["--rm", "--network", "none"] as const;

/** Runs probe-entry in a throwaway container; the container is force-removed whatever happens. */
export function runProbeContainer(
  tag: string,
  expectationsJson: string,
  flags: readonly string[] = HARDENED_RUN_FLAGS,
  nonce = randomBytes(16).toString("hex"),
): { status: number | null; stdout: string; stderr: string } {
  const name = `macro-probes-it-${randomBytes(6).toString("hex")}`;
  try {
    const result = spawnSync(
      "docker",
      ["run", "--name", name, ...ownerLabelArgs(), ...flags, tag, "/opt/macro/probe-entry.cjs", "--expect-json", expectationsJson, "--nonce", nonce],
      { encoding: "utf8", timeout: 120_000, maxBuffer: 16 << 20 },
    );
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    spawnSync("docker", ["rm", "-f", name], { stdio: "ignore", timeout: 60_000 });
  }
}
