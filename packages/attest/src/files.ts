import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { orInputError, readInput, type InputKind, type LoadedSsot } from "@macro/ssot";
import type { SandboxFiles } from "@macro/verifier";

/**
 * Where a workspace package's built files are, without hard-coding the repo layout. Through
 * require.resolve, not import.meta.resolve: the CLI is bundled as CommonJS, where only
 * import.meta.url is carried over.
 */
function packageDir(name: string): string {
  return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
}

export interface SandboxPaths {
  dockerfile: string;
  seccompProfile: string;
  probeBundle: string;
  syscallHelper: string;
}

/** The files that define the attested boundary: the SSOT names two, the build produces the rest. */
export function sandboxPaths(loaded: LoadedSsot): SandboxPaths {
  const fromSsot = (p: string) => (isAbsolute(p) ? p : resolve(loaded.dir, p));
  const probes = packageDir("@macro/probes");
  return {
    dockerfile: fromSsot(loaded.ssot.sandbox.dockerfile),
    seccompProfile: fromSsot(loaded.ssot.sandbox.seccompProfile),
    probeBundle: join(probes, "dist/probe-entry.cjs"),
    syscallHelper: join(probes, "dist/syscall-probe"),
  };
}

/** Raw bytes, hashed as they are: never re-serialised. */
export async function readSandboxFiles(paths: SandboxPaths): Promise<SandboxFiles> {
  // Through the one bounded reader: the SSOT names the first two, so they are user input.
  const read = async (path: string, kind: InputKind) => Buffer.from(orInputError(await readInput(path, { kind })));
  const [dockerfile, seccompProfile, probeBundle, syscallHelper] = await Promise.all([
    read(paths.dockerfile, "dockerfile"),
    read(paths.seccompProfile, "profile"),
    read(paths.probeBundle, "artifact"),
    read(paths.syscallHelper, "artifact"),
  ]);
  return { dockerfile, seccompProfile, probeBundle, syscallHelper };
}
