import type { Result } from "@macro/ssot";
import { err, ok } from "@macro/ssot";
import type { CliOptions, CliResult } from "./exec.ts";
import type { SandboxError } from "./errors.ts";
import type { EngineRecord } from "./engine-record.ts";
import type { RunArgsInput } from "./run-args.ts";
import { probeDocker } from "./docker.ts";
import { probePodman } from "./podman.ts";

export type EngineKind = "docker" | "podman";

export interface ImageInfo {
  /** "sha256:<hex>" as the engine reports it. */
  id: string;
  layers: string[];
  labels: Record<string, string>;
}

export interface BuildRequest {
  contextDir: string;
  /** Absolute path of the Dockerfile. */
  dockerfile: string;
  tags: string[];
  labels: Record<string, string>;
}

export interface RunRequest {
  /** Arguments after `run`. */
  args: string[];
  /** Extra variables for the CLI process (values for `-e NAME` flags, never on the command line). */
  env: Record<string, string>;
  /** The same container as `args`, structured: what an engine reached through its API sends instead. */
  spec: RunArgsInput;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called once, as soon as the container exists or may exist: the caller records it. */
  onCreated: () => void;
}

export interface RunResult extends CliResult {
  /** The image is not on the engine; nothing was created. */
  imageMissing: boolean;
  /** The engine refused or failed (a refused flag, a bad answer) before or instead of an exit code. */
  engineError: string | null;
  /**
   * False when a create request may still be in flight at the engine (a CLI client killed on
   * timeout or abort): the caller then sweeps by name for a while.
   */
  settled: boolean;
  /**
   * The engine's own record of the container, read after create and before start and held to
   * the request (engine-record.ts). With differences the container was removed, never started.
   * Null when no container was created or the record could not be read (then engineError says why).
   */
  engineRecord: EngineRecord | null;
}

/** One container engine, reached through its CLI or (docker on a unix socket) its API. */
export interface ContainerEngine {
  readonly kind: EngineKind;
  /** DOCKER_HOST / CONTAINER_HOST, or the CLI's default socket. */
  readonly endpoint: string;
  readonly serverVersion: string;
  /** "api" when runs and container/image look-ups go over the engine's unix socket, "cli" otherwise. */
  readonly transport: "api" | "cli";
  /** The raw CLI, for operations not modelled below. */
  cli(args: readonly string[], options?: Omit<CliOptions, "env"> & { env?: Record<string, string> }): Promise<CliResult>;
  build(request: BuildRequest): Promise<Result<{ imageId: string }, SandboxError>>;
  run(request: RunRequest): Promise<RunResult>;
  imageExists(ref: string): Promise<boolean>;
  inspectImage(ref: string): Promise<ImageInfo | null>;
  tagImage(source: string, target: string): Promise<Result<void, SandboxError>>;
  removeImage(ref: string): Promise<void>;
  /** Tags (`repo:tag`) in `repository` on images carrying `label`. */
  listImageTags(repository: string, label: string): Promise<string[]>;
  /**
   * Removes the tag `ref` without force: the image goes with its last tag, and an image a
   * container still uses keeps its last tag. False when the engine refused.
   */
  untagImage(ref: string): Promise<boolean>;
  containerExists(name: string): Promise<boolean>;
  /** `rm -f`; true when the container is gone afterwards. */
  removeContainer(name: string): Promise<boolean>;
  /** Names of all containers (any state) whose name starts with the prefix. */
  listContainers(namePrefix: string): Promise<string[]>;
}

export interface EngineAttempt {
  kind: EngineKind;
  endpoint: string;
  error: string;
}

export interface NoEngine {
  code: "NO_ENGINE";
  tried: EngineAttempt[];
}

export type EngineEnv = Readonly<Record<string, string | undefined>>;

export interface DetectOptions {
  /**
   * "auto" (default): docker's Engine API when the CLI would use a unix socket, else the CLI.
   * "cli": the CLI only — the path tcp://, ssh:// and contexts take, kept testable here.
   */
  transport?: "auto" | "cli";
}

/**
 * Find a container engine that answers: docker first, then podman, honouring DOCKER_HOST /
 * CONTAINER_HOST from `env` (pass `process.env`).
 */
export async function detectEngine(env: EngineEnv, options: DetectOptions = {}): Promise<Result<ContainerEngine, NoEngine>> {
  const tried: EngineAttempt[] = [];
  for (const probe of [(e: EngineEnv) => probeDocker(e, options.transport ?? "auto"), probePodman]) {
    const found = await probe(env);
    if (found.ok) return ok(found.value);
    tried.push(found.error);
  }
  return err({ code: "NO_ENGINE", tried });
}
