import { errnoOf, tryRead, type ProbeEnv } from "./env.ts";
import { readMounts } from "./fs-probes.ts";
import { dataLines, type MountEntry } from "./parse.ts";
import { inconclusive, measured, type ProbeDefinition } from "./probe.ts";

/** Where container engines and builders put their API sockets: each one is root on the host. */
export const ENGINE_SOCKET_PATHS = [
  "/var/run/docker.sock",
  "/run/docker.sock",
  "/run/containerd/containerd.sock",
  "/var/run/docker/containerd/containerd.sock",
  "/run/crio/crio.sock",
  "/var/run/crio/crio.sock",
  "/run/podman/podman.sock",
  "/run/buildkit/buildkitd.sock",
] as const;

const UNIX_PATH_PATTERN = /docker|containerd|crio|podman|buildkit|\/run\/user\/|\/systemd\//;

const SENSITIVE_HOST_PATHS = ["/", "/etc", "/var/run", "/run", "/proc", "/sys", "/dev", "/boot", "/lib", "/usr", "/root", "/home"];

// Filesystems the runtime creates fresh for the container; their roots are not host paths.
const CONTAINER_PRIVATE_FS = new Set(["proc", "sysfs", "tmpfs", "devpts", "mqueue", "cgroup", "cgroup2", "overlay", "shm"]);

const underSensitive = (path: string) =>
  SENSITIVE_HOST_PATHS.some((host) => path === host || (host !== "/" && path.startsWith(`${host}/`)));

/**
 * Mounts that expose the host: socket mounts (any mode), a procfs/sysfs outside /proc and /sys
 * (the host's, mounted elsewhere), and writable bind mounts of host system directories.
 */
export function sensitiveMounts(mounts: MountEntry[]): string[] {
  const found: string[] = [];
  for (const mount of mounts) {
    const mode = mount.readOnly ? "ro" : "rw";
    if (mount.mountPoint.endsWith(".sock") || mount.root.endsWith(".sock")) {
      found.push(`socket ${mount.root} at ${mount.mountPoint} (${mode})`);
    } else if ((mount.fsType === "proc" || mount.fsType === "sysfs") && !/^\/(proc|sys)(\/|$)/.test(mount.mountPoint)) {
      found.push(`${mount.fsType} at ${mount.mountPoint} (${mode})`);
    } else if (!mount.readOnly && !CONTAINER_PRIVATE_FS.has(mount.fsType) && underSensitive(mount.root)) {
      found.push(`host ${mount.root} at ${mount.mountPoint} (${mount.fsType} rw)`);
    }
  }
  return found.sort();
}

/** Socket paths in /proc/net/unix (the last column) that belong to an engine or a host session. */
export function engineUnixPaths(text: string): string[] {
  const paths = dataLines(text)
    .map((line) => line.split(/\s+/))
    .filter((fields) => fields.length >= 8)
    .map((fields) => fields.at(-1) ?? "")
    .filter((path) => path.startsWith("/") && UNIX_PATH_PATTERN.test(path));
  return [...new Set(paths)].sort();
}

async function engineSockets(env: ProbeEnv, evidence: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of ENGINE_SOCKET_PATHS) {
    try {
      // Existence is enough: never connect, a connect to an engine socket is already an escape.
      const stat = await env.lstat(path);
      found.push(path);
      evidence.push(`${path}: present${stat.isSocket ? " (socket)" : ""}`);
    } catch (error) {
      const code = errnoOf(error);
      // ENOENT/ENOTDIR mean absent; anything else (EACCES) means we cannot tell, so count it.
      if (code !== "ENOENT" && code !== "ENOTDIR") {
        found.push(path);
        evidence.push(`${path}: ${code} (cannot rule it out)`);
      }
    }
  }
  const unix = await tryRead(env, "/proc/net/unix");
  if ("errno" in unix) {
    evidence.push(`/proc/net/unix unreadable (${unix.errno})`);
  } else {
    const paths = engineUnixPaths(unix.text);
    for (const path of paths) found.push(`unix:${path}`);
    evidence.push(`/proc/net/unix: ${paths.length} engine/session socket(s)`);
  }
  return [...new Set(found)].sort();
}

export const p13HostSocketsAndMounts: ProbeDefinition = {
  id: "P13-HOST-SOCKETS-AND-MOUNTS",
  title: "No engine socket and no sensitive host mount is reachable",
  async run(env) {
    const read = await readMounts(env);
    if ("errno" in read) return inconclusive({}, [`/proc/self/mountinfo unreadable (${read.errno})`]);
    const evidence: string[] = [`mountinfo: ${read.mounts.length} mount(s)`];
    const sockets = await engineSockets(env, evidence);
    const mounts = sensitiveMounts(read.mounts);
    for (const mount of mounts) evidence.push(`sensitive mount: ${mount}`);
    return measured({ engineSockets: sockets, sensitiveMounts: mounts }, evidence);
  },
};
