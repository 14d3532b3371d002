// Test-only: weakenings a LYING engine (one that also rewrites its record) still gets past the
// in-container probes. With the allowlist probes merged, 17 of the first 29 are caught (binds,
// groups, tmpfs options, env, devices, shared pid and host cgroup namespaces, the socket-group
// escape); these 12 are limits, resources or engine settings a process inside cannot observe
// (or, for ipc, a shared namespace with nothing in it). The engine's honest record catches every
// one before start. The suite fails when a listed case is caught, so the list can only shrink.
export const KNOWN_LYING_GAPS: ReadonlySet<string> = new Set<string>([
  "device cgroup rule",
  "ipc namespace shared with another container",
  "cgroup of another container",
  "bridge network",
  "extra security option (label=disable)",
  "unlimited swap",
  "cpu shares raised",
  "sysctl added",
  "ulimit raised",
  "oom kill disabled",
  "volumes from another container",
  "extra hosts",
]);
