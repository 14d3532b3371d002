import type { Result } from "@macro/ssot";
import { err, ok } from "@macro/ssot";
import type { ContainerEngine } from "./engine.ts";
import type { SandboxError } from "./errors.ts";
import { sandboxError } from "./errors.ts";

/**
 * A bridge network with `--internal`: the container gets a non-loopback interface but no
 * default route (used by the weakened "internal network" profile, so the topology probe
 * has something to catch). Works on a dockerd started with --bridge=none: user-defined
 * bridges are independent of the default bridge. Nothing is ever routed through it.
 */
export async function createInternalNetwork(engine: ContainerEngine, name: string): Promise<Result<{ name: string; id: string }, SandboxError>> {
  const r = await engine.cli(["network", "create", "--internal", "--label", "macro.sandbox=1", name]);
  if (r.exitCode !== 0) return err(sandboxError("RUN_FAILED", `could not create internal network ${name}`, r.stderr.trim()));
  return ok({ name, id: r.stdout.trim() });
}

export async function removeNetwork(engine: ContainerEngine, name: string): Promise<boolean> {
  await engine.cli(["network", "rm", name]);
  return (await engine.cli(["network", "inspect", name])).exitCode !== 0;
}
