import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Result, SandboxProfile } from "@macro/ssot";
import { err, ok } from "@macro/ssot";
import type { ContainerEngine } from "./engine.ts";
import type { SandboxError } from "./errors.ts";
import { sandboxError } from "./errors.ts";
import type { SideEffectRecorder } from "./recorder.ts";
import { effect } from "./recorder.ts";
import { ownerLabels } from "./owner.ts";
import type { PayloadFile, RootfsEntry } from "./rootfs.ts";
import { manifestLines, materialize, rootfsEntries, sha256File, sharedLibraries } from "./rootfs.ts";

export const INPUTS_LABEL = "macro.inputs-sha256";

export interface BuildImageOptions {
  /** Only image, dockerfile and seccompProfile are read. */
  profile: Pick<SandboxProfile, "image" | "dockerfile" | "seccompProfile">;
  payload: PayloadFile[];
  recorder: SideEffectRecorder;
  /** Resolves the profile's relative `dockerfile` and `seccompProfile` paths (the SSOT's folder). Default: cwd. */
  baseDir?: string;
  /** The Node.js binary to ship. Default: the running one. */
  nodeBinary?: string;
  /** Environment for `ldd`. Default: PATH only. */
  env?: Readonly<Record<string, string | undefined>>;
  /** See `pruneSuperseded`. Default: PRUNE_GRACE_MS. */
  pruneGraceMs?: number;
}

export interface BuiltImage {
  /** The digest tag, e.g. tki-inspector:attest-0123456789ab. */
  imageRef: string;
  /** The moving tag from the profile, e.g. tki-inspector:attest. */
  movingTag: string;
  imageId: string;
  inputsSha256: string;
  built: boolean;
  layers: string[];
  /** What the digest covers, one line per input. */
  manifest: string[];
  /** Superseded digest tags of the same image removed after a build (see `pruneSuperseded`). */
  pruned: string[];
}

/** `repo:tag` → `repo:tag-<hex12>`; the tag part is after the last colon that follows the last slash. */
export function digestTag(image: string, inputsSha256: string): string {
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  const [repo, tag] = colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, "latest"];
  return `${repo}:${tag}-${inputsSha256.slice(0, 12)}`;
}

export interface ImageInputs {
  entries: RootfsEntry[];
  dockerfile: Buffer;
  manifest: string[];
  inputsSha256: string;
  imageRef: string;
  movingTag: string;
}

/**
 * The node binary is ~100 MB: hashed once per process while the file stays the same file
 * (device, inode, size, mtime and ctime — ctime cannot be set back from user space), so
 * back-to-back attestations in one process (a run, the conformance suite) do not re-read it.
 */
const digestCache = new Map<string, { key: string; digest: Promise<string> }>();
async function nodeBinaryDigest(path: string): Promise<string> {
  const st = await stat(path);
  const key = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  const hit = digestCache.get(path);
  if (hit !== undefined && hit.key === key) return hit.digest;
  const digest = sha256File(path);
  digestCache.set(path, { key, digest });
  digest.catch(() => digestCache.delete(path));
  return digest;
}

/**
 * What the image would be made of, and the digest over it, without building anything:
 * the Dockerfile and seccomp profile bytes, then path, mode and sha256 of every rootfs entry.
 */
export async function sandboxImageInputs(options: Omit<BuildImageOptions, "recorder">): Promise<Result<ImageInputs, SandboxError>> {
  const baseDir = options.baseDir ?? process.cwd();
  const env = options.env ?? { PATH: process.env["PATH"] };
  const nodeBinary = options.nodeBinary ?? process.execPath;
  let dockerfile: Buffer;
  let seccomp: Buffer;
  try {
    [dockerfile, seccomp] = await Promise.all([
      readFile(resolve(baseDir, options.profile.dockerfile)),
      readFile(resolve(baseDir, options.profile.seccompProfile)),
    ]);
  } catch (cause) {
    return err(sandboxError("RUN_FAILED", `cannot read the image inputs: ${String(cause)}`));
  }
  // The node binary is most of the bytes to hash: start on it while ldd runs.
  const nodeDigest = nodeBinaryDigest(nodeBinary);
  nodeDigest.catch(() => {}); // awaited below; a failure is reported there, never unhandled
  const libs = await sharedLibraries(nodeBinary, env);
  if (!libs.ok) return err(sandboxError("RUN_FAILED", libs.error));
  const entries = rootfsEntries(nodeBinary, libs.value, options.payload);
  let lines: string[];
  try {
    lines = await manifestLines(entries, new Map([[nodeBinary, nodeDigest]]));
  } catch (cause) {
    return err(sandboxError("RUN_FAILED", `cannot read an image input: ${String(cause)}`));
  }
  const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
  const manifest = [`dockerfile ${sha(dockerfile)}`, `seccomp ${sha(seccomp)}`, ...lines];
  const inputsSha256 = createHash("sha256").update(manifest.join("\n") + "\n").digest("hex");
  return ok({ entries, dockerfile, manifest, inputsSha256, imageRef: digestTag(options.profile.image, inputsSha256), movingTag: options.profile.image });
}

/**
 * Build the offline attestation image (FROM scratch + the host's Node, its libraries and
 * the payload). The tag carries a digest over every input, so an unchanged input set is
 * never rebuilt and a changed one always is. The temporary build context is removed on
 * every path.
 */
export async function buildSandboxImage(engine: ContainerEngine, options: BuildImageOptions): Promise<Result<BuiltImage, SandboxError>> {
  const inputs = await sandboxImageInputs(options);
  if (!inputs.ok) return inputs;
  const { entries, dockerfile, manifest, inputsSha256, imageRef, movingTag } = inputs.value;

  const existing = await engine.inspectImage(imageRef);
  // A digest tag whose label disagrees was not made by us from these inputs: rebuild over it.
  if (existing !== null && existing.labels[INPUTS_LABEL] === inputsSha256) {
    const tagged = await engine.tagImage(imageRef, movingTag);
    if (!tagged.ok) return tagged;
    return ok({ imageRef, movingTag, imageId: existing.id, inputsSha256, built: false, layers: existing.layers, manifest, pruned: [] });
  }

  const contextDir = await mkdtemp(join(tmpdir(), "macro-sandbox-build-"));
  try {
    await materialize(join(contextDir, "rootfs"), entries);
    await writeFile(join(contextDir, "Dockerfile"), dockerfile);
    const built = await engine.build({
      contextDir,
      dockerfile: join(contextDir, "Dockerfile"),
      tags: [imageRef, movingTag],
      labels: { [INPUTS_LABEL]: inputsSha256, ...ownerLabels() },
    });
    if (!built.ok) return built;
    options.recorder.record(effect("image-built", `${imageRef} (${built.value.imageId})`));
    const info = await engine.inspectImage(imageRef);
    const pruned = await pruneSuperseded(engine, movingTag, imageRef, options.recorder, { graceMs: options.pruneGraceMs ?? PRUNE_GRACE_MS });
    return ok({ imageRef, movingTag, imageId: built.value.imageId, inputsSha256, built: true, layers: info?.layers ?? [], manifest, pruned });
  } finally {
    await rm(contextDir, { recursive: true, force: true });
  }
}

/**
 * How long after a run last took up an image (tagging it with the moving tag, which every run
 * does, warm or cold) its digest tag is still taken to be in use: longer than a run holds an
 * image between its attestation and its last container (`macro inspect` starts a second one).
 */
export const PRUNE_GRACE_MS = 60 * 60_000;

export interface PruneOptions {
  graceMs: number;
  now?: () => number;
}

/**
 * After a build, the other digest tags of the same image (`<repo>:<tag>-<12 hex>`, labelled
 * with an inputs digest, so made here) are removed: each change of the inputs would otherwise
 * leave a whole Node.js root filesystem behind. Only on a build, so a warm attestation asks the
 * engine nothing more. A concurrent run (another checkout, an older commit) may still be using
 * one, so a tag is kept when
 * - any container, in any state, was created from its image (the engine's own refusal covers
 *   only an image's last tag), or
 * - its image was tagged less than `graceMs` ago (Metadata.LastTagTime: a run retags the image
 *   it takes up, so a run between attesting and starting its next container is covered), or
 * - either cannot be told (an engine that does not report them, as podman): kept, never guessed.
 * Untagged without force. Best effort: a tag that cannot be removed stays, and the build stands.
 */
export async function pruneSuperseded(
  engine: Pick<ContainerEngine, "listImageTags" | "untagImage" | "cli">,
  movingTag: string,
  keep: string,
  recorder: SideEffectRecorder,
  options: PruneOptions = { graceMs: PRUNE_GRACE_MS },
): Promise<string[]> {
  const family = digestTag(movingTag, "");
  const colon = family.lastIndexOf(":");
  const repository = family.slice(0, colon);
  const prefix = family.slice(colon + 1);
  const isDigestTag = (tag: string) => tag.startsWith(prefix) && /^[0-9a-f]{12}$/.test(tag.slice(prefix.length));
  const now = options.now ?? Date.now;
  const pruned: string[] = [];
  for (const ref of (await engine.listImageTags(repository, INPUTS_LABEL)).sort()) {
    if (ref === keep || !ref.startsWith(`${repository}:`) || !isDigestTag(ref.slice(repository.length + 1))) continue;
    if (!(await unused(engine, ref, now() - options.graceMs))) continue;
    if (!(await engine.untagImage(ref))) continue;
    recorder.record(effect("image-removed", ref));
    pruned.push(ref);
  }
  return pruned;
}

/** True only when the engine says no container uses `ref`'s image and it was last tagged before `since`. */
async function unused(engine: Pick<ContainerEngine, "cli">, ref: string, since: number): Promise<boolean> {
  const tagged = await engine.cli(["image", "inspect", "--format", "{{json .Metadata.LastTagTime}}", ref]);
  if (tagged.exitCode !== 0) return false;
  let at: number;
  try {
    at = Date.parse(String(JSON.parse(tagged.stdout.trim())));
  } catch {
    return false;
  }
  // Docker reports an image never tagged since it was loaded as year 1: no use to tell of.
  if (!Number.isFinite(at) || at > since) return false;
  const users = await engine.cli(["ps", "-a", "--filter", `ancestor=${ref}`, "--format", "{{.ID}}"]);
  return users.exitCode === 0 && users.stdout.trim() === "";
}
