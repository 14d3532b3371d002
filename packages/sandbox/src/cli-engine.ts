import * as z from "zod";
import type { Result } from "@macro/ssot";
import { err, ok } from "@macro/ssot";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { buildCreateBody, type CreateBody } from "./api-create.ts";
import { checkEngineRecord, describeDifferences } from "./engine-record.ts";
import { runCli } from "./exec.ts";
import { sandboxError } from "./errors.ts";
import type { ContainerEngine, EngineEnv, EngineKind, ImageInfo } from "./engine.ts";

const ImageInspect = z.array(
  z.object({
    Id: z.string().min(1),
    RootFS: z.object({ Layers: z.array(z.string()).nullish() }).nullish(),
    Config: z.object({ Labels: z.record(z.string(), z.string()).nullish() }).nullish(),
  }),
);

const QUICK_MS = 60_000;
const BUILD_MS = 10 * 60_000;

/**
 * The docker and podman CLIs accept the same commands for everything the sandbox needs,
 * so one implementation serves both; the adapters differ only in how they are detected.
 */
export function cliEngine(kind: EngineKind, bin: string, endpoint: string, serverVersion: string, env: EngineEnv): ContainerEngine {
  const cli: ContainerEngine["cli"] = (args, options) =>
    runCli(bin, args, { ...options, env: { ...env, ...options?.env }, timeoutMs: options?.timeoutMs ?? QUICK_MS });

  const inspectImage = async (ref: string): Promise<ImageInfo | null> => {
    const r = await cli(["image", "inspect", ref]);
    if (r.exitCode !== 0) return null;
    const parsed = ImageInspect.safeParse(JSON.parse(r.stdout));
    const first = parsed.success ? parsed.data[0] : undefined;
    if (first === undefined) return null;
    return { id: first.Id, layers: first.RootFS?.Layers ?? [], labels: first.Config?.Labels ?? {} };
  };

  const imageExists = async (ref: string): Promise<boolean> => (await cli(["image", "inspect", "--format", "{{.Id}}", ref])).exitCode === 0;

  const failed = (what: string, r: { exitCode: number | null; stderr: string; spawnError: string | null }) =>
    sandboxError(
      r.spawnError === null ? "RUN_FAILED" : "ENGINE_UNAVAILABLE",
      `${bin} ${what} failed (${r.spawnError ?? `exit ${String(r.exitCode)}`})`,
      r.stderr.trim(),
    );

  return {
    kind,
    endpoint,
    serverVersion,
    transport: "cli",
    cli,
    async build(request) {
      const args = ["build", "--network", "none", "--pull=false", "-f", request.dockerfile];
      for (const tag of request.tags) args.push("-t", tag);
      for (const [k, v] of Object.entries(request.labels).sort()) args.push("--label", `${k}=${v}`);
      args.push(request.contextDir);
      const r = await cli(args, { timeoutMs: BUILD_MS });
      if (r.exitCode !== 0) return err(failed("build", r));
      const info = await inspectImage(request.tags[0] ?? "");
      if (info === null) return err(sandboxError("RUN_FAILED", `${bin} build succeeded but the image ${request.tags[0] ?? "?"} cannot be inspected`));
      return ok({ imageId: info.id });
    },
    async run(request) {
      const none = { exitCode: null, stdout: "", stderr: "", timedOut: false, aborted: false, spawnError: null, imageMissing: false, engineError: null, settled: true, engineRecord: null };
      // `--pull never` with an absent image exits 125 like every other refusal; ask first so
      // that "no image" is told apart and nothing is recorded as created.
      if (!(await imageExists(request.spec.image))) return { ...none, imageMissing: true };
      let body: CreateBody;
      try {
        const { seccomp } = request.spec.flags;
        const json = seccomp === "unconfined" || seccomp === "default" ? null : await readFile(resolve(request.spec.seccompProfilePath), "utf8");
        // What the CLI sends for these flags: the API body, minus NetworkDisabled (the CLI cannot send it).
        body = { ...buildCreateBody(request.spec, json), NetworkDisabled: false };
      } catch (cause) {
        return { ...none, engineError: `cannot build the request: ${String(cause)}` };
      }
      const options = { env: { ...env, ...request.env }, killSignal: "SIGKILL" as const, ...(request.signal === undefined ? {} : { signal: request.signal }) };
      request.onCreated();
      // create, read the engine's record, then start: nothing runs before the record is held to the request.
      const created = await runCli(bin, ["create", ...request.args], { ...options, timeoutMs: Math.min(request.timeoutMs, QUICK_MS) });
      if (created.timedOut || created.aborted) return { ...created, imageMissing: false, engineError: null, settled: false, engineRecord: null };
      if (created.exitCode !== 0) return { ...created, imageMissing: false, engineError: `${bin} create failed (exit ${String(created.exitCode)})`, settled: true, engineRecord: null };
      const id = created.stdout.trim().split("\n").at(-1) ?? "";
      const inspected = await cli(["container", "inspect", id]);
      let json: unknown = null;
      try {
        json = JSON.parse(inspected.stdout);
      } catch {
        json = null;
      }
      const checked = inspected.exitCode === 0 ? checkEngineRecord(body, json) : ({ ok: false, reason: `${bin} container inspect failed (exit ${String(inspected.exitCode)})` } as const);
      if (!checked.ok) return { ...none, engineError: checked.reason };
      if (checked.record.differences.length > 0) {
        return { ...none, engineError: `the engine's record differs from the request: ${describeDifferences(checked.record.differences)}`, engineRecord: checked.record };
      }
      const r = await runCli(bin, ["start", "--attach", id], { ...options, timeoutMs: request.timeoutMs });
      // 125: the engine itself refused (bad flag, profile rejected, daemon error) — no command ran.
      const engineError = r.exitCode === 125 ? `${bin} start failed (exit 125)` : null;
      return { ...r, imageMissing: false, engineError, settled: !(r.timedOut || r.aborted), engineRecord: checked.record };
    },
    imageExists,
    inspectImage,
    async tagImage(source, target): Promise<Result<void, ReturnType<typeof failed>>> {
      const r = await cli(["tag", source, target]);
      return r.exitCode === 0 ? ok(undefined) : err(failed("tag", r));
    },
    async removeImage(ref) {
      await cli(["image", "rm", "-f", ref]);
    },
    async listImageTags(repository, label) {
      const r = await cli(["image", "ls", "--filter", `reference=${repository}`, "--filter", `label=${label}`, "--format", "{{.Tag}}"]);
      if (r.exitCode !== 0) return [];
      return r.stdout
        .split("\n")
        .map((s) => s.trim())
        .filter((t) => t !== "" && t !== "<none>")
        .map((t) => `${repository}:${t}`);
    },
    async untagImage(ref) {
      return (await cli(["image", "rm", ref])).exitCode === 0;
    },
    async containerExists(name) {
      return (await cli(["container", "inspect", "--format", "{{.Name}}", name])).exitCode === 0;
    },
    async removeContainer(name) {
      await cli(["rm", "-f", name]);
      return (await cli(["container", "inspect", "--format", "{{.Name}}", name])).exitCode !== 0;
    },
    async listContainers(namePrefix) {
      const r = await cli(["ps", "-a", "--filter", `name=^${namePrefix}`, "--format", "{{.Names}}"]);
      return r.stdout
        .split("\n")
        .map((s) => s.trim())
        .filter((s) => s.startsWith(namePrefix));
    },
  };
}
