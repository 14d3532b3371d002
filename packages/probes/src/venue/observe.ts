import { EngineKind, hashBytes, type EngineFacts, type Fact, type VenueFacts } from "@macro/ssot";
import { ENGINE_HOST_VAR, engineEndpoint } from "./engine.ts";
import { liveVenueSource, type VenueFactSource } from "./source.ts";

/** Files whose presence says "this process runs in a container" (docker, podman). */
const CONTAINER_MARKER_FILES = ["/.dockerenv", "/run/.containerenv"] as const;
/** cgroup v1 paths name the runtime; under cgroup v2 a container usually sees only "0::/". */
const CGROUP_MARKERS = /docker|containerd|kubepods|libpod|lxc|podman/;

/** A simulated source marks every fact so no report can mistake it for an observation. */
export const SIMULATED_PREFIX = "simulated:";

/**
 * Observes where we stand: platform, CI markers, container engines and host identity, each
 * also recorded as a Fact naming its source. Never creates anything and contacts nothing but
 * the configured engine endpoints.
 */
export async function observeVenue(source: VenueFactSource = liveVenueSource()): Promise<VenueFacts> {
  const observedAt = new Date().toISOString();
  const facts: Fact[] = [];
  const prefix = source.kind === "simulated" ? SIMULATED_PREFIX : "";
  const record = (id: string, value: Fact["value"], from: string) => {
    facts.push({ id, value, source: `${prefix}${from}`, observedAt });
  };

  const platform = source.platform();
  const arch = source.arch();
  const osRelease = source.release();
  record("platform", platform, "os.platform()");
  record("arch", arch, "os.arch()");
  record("osRelease", osRelease, "os.release()");

  const ci = source.ci();
  record("ci.isCI", ci.isCI, "ci-info");
  record("ci.name", ci.name, "ci-info");
  record("ci.isPR", ci.isPR, "ci-info");

  const hostname = source.hostname();
  const user = source.user();
  record("host.hostname", hostname, "os.hostname()");
  record("host.user", user.name, "os.userInfo()");
  record("host.uid", user.uid, "process.getuid()");

  const machineId = (await source.readFile("/etc/machine-id"))?.trim() ?? "";
  const hostId = hashBytes(new TextEncoder().encode(machineId !== "" ? machineId : hostname));
  record("host.hostId", hostId, machineId !== "" ? "sha256(/etc/machine-id)" : "sha256(os.hostname()) (no /etc/machine-id)");

  const container = await detectContainer(source);
  record("host.inContainer", container.inContainer, container.source);

  const engines = await Promise.all(
    EngineKind.options.map((kind) => source.probeEngine(kind, engineEndpoint(kind, source.env, user.uid))),
  );
  for (const engine of engines) recordEngine(engine, record);

  return {
    platform,
    arch,
    osRelease,
    ci,
    engines,
    host: { hostname, hostId, user: user.name, uid: user.uid, inContainer: container.inContainer },
    observedAt,
    facts,
  };
}

async function detectContainer(source: VenueFactSource): Promise<{ inContainer: boolean; source: string }> {
  for (const marker of CONTAINER_MARKER_FILES) {
    if ((await source.readFile(marker)) !== null) return { inContainer: true, source: marker };
  }
  const cgroup = await source.readFile("/proc/1/cgroup");
  if (cgroup !== null && CGROUP_MARKERS.test(cgroup)) return { inContainer: true, source: "/proc/1/cgroup" };
  return { inContainer: false, source: `${CONTAINER_MARKER_FILES.join(", ")}, /proc/1/cgroup (no marker)` };
}

function recordEngine(engine: EngineFacts, record: (id: string, value: Fact["value"], from: string) => void): void {
  const from = `${engine.kind} version (${ENGINE_HOST_VAR[engine.kind]}=${engine.endpoint})`;
  const id = `engine.${engine.kind}`;
  record(`${id}.endpoint`, engine.endpoint, `${ENGINE_HOST_VAR[engine.kind]} or the ${engine.kind} default`);
  record(`${id}.clientFound`, engine.clientFound, from);
  record(`${id}.reachable`, engine.reachable, from);
  record(
    `${id}.canCreateContainers`,
    engine.canCreateContainers,
    engine.reachable && engine.endpoint.startsWith("unix://") ? `${from} + access(W_OK) on the socket` : from,
  );
  record(`${id}.serverVersion`, engine.serverVersion, from);
  if (engine.error !== null) record(`${id}.error`, engine.error, from);
}
