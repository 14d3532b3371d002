import type { Result } from "@macro/ssot";
import { err, ok } from "@macro/ssot";
import type { ContainerEngine } from "./engine.ts";
import type { SandboxError } from "./errors.ts";
import { sandboxError } from "./errors.ts";
import { ownerLabels } from "./owner.ts";

/**
 * A user-defined bridge network whose containers get a non-loopback interface that leads
 * nowhere (for the weakened "internal network" profile, so the topology probe has
 * something to catch). Verified on dockerd 20.10 started with --bridge=none
 * --iptables=false: user-defined bridges still work, BUT `--internal` alone is not enough
 * there — its isolation is iptables rules, the container still gets a default route via
 * the bridge's gateway address on the host, and with ip_forward=1 the host would route it.
 * `inhibit_ipv4` leaves the host side of the bridge without any IPv4 address, so the
 * container's gateway is an address no one owns: ARP fails and nothing can leave.
 * (macvlan/ipvlan --internal were tried as the alternative; this kernel refuses them.)
 */
export async function createInternalNetwork(engine: ContainerEngine, name: string): Promise<Result<{ name: string; id: string }, SandboxError>> {
  const r = await engine.cli(["network", "create", "--internal", "-o", "com.docker.network.bridge.inhibit_ipv4=true", "--label", "macro.sandbox=1", ...Object.entries(ownerLabels()).flatMap(([k, v]) => ["--label", `${k}=${v}`]), name]);
  if (r.exitCode !== 0) return err(sandboxError("RUN_FAILED", `could not create internal network ${name}`, r.stderr.trim()));
  return ok({ name, id: r.stdout.trim() });
}

export async function removeNetwork(engine: ContainerEngine, name: string): Promise<boolean> {
  await engine.cli(["network", "rm", name]);
  return (await engine.cli(["network", "inspect", name])).exitCode !== 0;
}
