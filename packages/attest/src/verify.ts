import { isAbsolute, resolve } from "node:path";
import { orInputError, readInput, readInputText, type LoadedSsot } from "@macro/ssot";
import { verifyAttestationBundle, type BundleVerdict } from "@macro/verifier";
import { readSandboxFiles, sandboxPaths } from "./files.ts";

/** Trusted keys are named in the SSOT, relative to it; extra ones may come from the operator's flags. */
export async function trustedKeys(loaded: LoadedSsot, extra: string[]): Promise<string[]> {
  const paths = [...loaded.ssot.sandbox.signing.trustedKeys.map((p) => (isAbsolute(p) ? p : resolve(loaded.dir, p))), ...extra];
  return Promise.all(paths.map(async (p) => orInputError(await readInputText(p, { kind: "key" }))));
}

/** Read-only: the bundle, the local boundary files and the SSOT; nothing is written. */
export async function verifyBundleFile(loaded: LoadedSsot, bundlePath: string, keys: string[], now: Date): Promise<BundleVerdict> {
  const [bytes, files] = await Promise.all([readInput(bundlePath, { kind: "bundle" }).then(orInputError), readSandboxFiles(sandboxPaths(loaded))]);
  return verifyAttestationBundle(bytes, { ssot: loaded.ssot, files, trustedKeys: keys, now, ssotSha256: loaded.sha256 });
}
