// Test-only: the weakening catalogue of the conformance suite (issue 12 item 4). Each case edits
// the container-create body the way an engine that silently weakens a container would; the
// engine-record fields each one must be caught by are listed beside it.
import type { Json, Weakening } from "./_weakening-proxy.ts";

export interface WeakeningCase {
  name: string;
  weaken: Weakening;
  /** Engine-record fields (engine-view.ts) that must name it when the engine's record is honest. */
  fields: string[];
}

export interface Peers {
  /** A running container with a shareable IPC namespace, for the container:<id> modes. */
  peerId: string;
  /** A host directory with a file in it, for the extra binds. */
  hostDir: string;
  /** The engine socket's directory and file on the host, and the group that owns the socket. */
  socketDir: string;
  socketPath: string;
  socketGid: number;
  /** The reference seccomp profile's JSON, to swap for a weaker one. */
  seccompJson: string;
}

const h = (body: Json & { HostConfig: Json }) => body.HostConfig;
const push = (body: Json & { HostConfig: Json }, key: string, value: unknown) => {
  const host = h(body);
  host[key] = [...((host[key] as unknown[] | null | undefined) ?? []), value];
};
const setSecurity = (body: Json & { HostConfig: Json }, edit: (opts: string[]) => string[]) => {
  h(body).SecurityOpt = edit([...((h(body).SecurityOpt as string[] | undefined) ?? [])]);
};
const weakerProfile = (json: string, allow: string[]): string => {
  const p = JSON.parse(json) as { syscalls: unknown[] };
  p.syscalls.push({ names: allow, action: "SCMP_ACT_ALLOW" });
  return JSON.stringify(p);
};
const combine = (...ws: Weakening[]): Weakening => (body) => ws.forEach((w) => w(body));

export function weakeningCases(peers: Peers): WeakeningCase[] {
  const bind = (source: string, target: string, readOnly: boolean): Weakening => (b) => push(b, "Mounts", { Type: "bind", Source: source, Target: target, ReadOnly: readOnly });
  const tmpfs = (opts: string): Weakening => (b) => (h(b).Tmpfs = { "/tmp": opts });
  const env = (entry: string): Weakening => (b) => (b.Env = [...((b.Env as string[] | undefined) ?? []), entry]);
  const cap = (name: string): Weakening => (b) => push(b, "CapAdd", name);
  const seccomp = (value: string): Weakening => (b) => setSecurity(b, (o) => [...o.filter((x) => !x.startsWith("seccomp")), `seccomp=${value}`]);
  const set = (key: string, value: unknown): Weakening => (b) => (h(b)[key] = value);
  const socketGroup: Weakening = (b) => (h(b).GroupAdd = [String(peers.socketGid)]);

  const cases: WeakeningCase[] = [
    { name: "extra read-only host bind", weaken: bind(peers.hostDir, "/mnt/host", true), fields: ["mounts"] },
    { name: "read-write host bind", weaken: bind(peers.hostDir, "/mnt/host", false), fields: ["mounts"] },
    { name: "bind of the engine socket's directory", weaken: bind(peers.socketDir, "/mnt/engine", true), fields: ["mounts"] },
    { name: "bind of the engine socket itself", weaken: bind(peers.socketPath, "/var/run/docker.sock", true), fields: ["mounts"] },
    { name: "legacy Binds entry", weaken: set("Binds", [`${peers.hostDir}:/mnt/legacy:ro`]), fields: ["mounts"] },
    { name: "anonymous writable volume", weaken: (b) => (b.Volumes = { "/data": {} }), fields: ["volumes"] },
    { name: "supplementary group (the socket's group)", weaken: socketGroup, fields: ["groupAdd"] },
    { name: "supplementary group root", weaken: set("GroupAdd", ["0"]), fields: ["groupAdd"] },
    { name: "exec tmpfs", weaken: tmpfs("rw,exec,nosuid,nodev,size=64m"), fields: ["tmpfs"] },
    { name: "tmpfs without nosuid", weaken: tmpfs("rw,noexec,nodev,size=64m"), fields: ["tmpfs"] },
    { name: "tmpfs without nodev", weaken: tmpfs("rw,noexec,nosuid,size=64m"), fields: ["tmpfs"] },
    { name: "tmpfs unbounded", weaken: tmpfs("rw,noexec,nosuid,nodev"), fields: ["tmpfs"] },
    { name: "a second, exec tmpfs", weaken: (b) => (h(b).Tmpfs = { ...((h(b).Tmpfs as Json | undefined) ?? {}), "/run/x": "rw,exec" }), fields: ["tmpfs"] },
    { name: "credential in an env value", weaken: env("NOTHING_TO_SEE=https://builder:hunter2@example.invalid/x"), fields: ["env"] },
    { name: "extra env key", weaken: env("HARMLESS=1"), fields: ["env"] },
    { name: "secret-named env key", weaken: env("AWS_SECRET_ACCESS_KEY=AKIAIOSFODNN7EXAMPLE"), fields: ["env"] },
    { name: "added device", weaken: set("Devices", [{ PathOnHost: "/dev/zero", PathInContainer: "/dev/extra-zero", CgroupPermissions: "rwm" }]), fields: ["devices"] },
    { name: "device cgroup rule", weaken: set("DeviceCgroupRules", ["c 1:5 rwm"]), fields: ["deviceCgroupRules"] },
    { name: "pid namespace shared with another container", weaken: set("PidMode", `container:${peers.peerId}`), fields: ["pidMode"] },
    { name: "ipc namespace shared with another container", weaken: set("IpcMode", `container:${peers.peerId}`), fields: ["ipcMode"] },
    { name: "host pid namespace", weaken: set("PidMode", "host"), fields: ["pidMode"] },
    { name: "host ipc namespace", weaken: set("IpcMode", "host"), fields: ["ipcMode"] },
    { name: "host uts namespace", weaken: set("UTSMode", "host"), fields: ["utsMode"] },
    { name: "cgroup of another container", weaken: set("Cgroup", `container:${peers.peerId}`), fields: ["cgroup"] },
    { name: "host cgroup namespace", weaken: set("CgroupnsMode", "host"), fields: ["cgroupnsMode"] },
    { name: "bridge network", weaken: (b) => ((b.NetworkDisabled = false), (h(b).NetworkMode = "bridge")), fields: ["networkMode", "networkDisabled"] },
    { name: "privileged", weaken: set("Privileged", true), fields: ["privileged"] },
    { name: "capAdd SYS_ADMIN", weaken: cap("SYS_ADMIN"), fields: ["capAdd"] },
    { name: "capAdd NET_RAW", weaken: cap("NET_RAW"), fields: ["capAdd"] },
    { name: "capAdd SYS_PTRACE", weaken: cap("SYS_PTRACE"), fields: ["capAdd"] },
    { name: "capAdd DAC_READ_SEARCH", weaken: cap("DAC_READ_SEARCH"), fields: ["capAdd"] },
    { name: "capAdd CHOWN", weaken: cap("CHOWN"), fields: ["capAdd"] },
    { name: "capDrop emptied", weaken: set("CapDrop", []), fields: ["capDrop"] },
    { name: "no-new-privileges dropped", weaken: (b) => setSecurity(b, (o) => o.filter((x) => x !== "no-new-privileges")), fields: ["noNewPrivileges"] },
    { name: "seccomp unconfined", weaken: seccomp("unconfined"), fields: ["seccomp"] },
    { name: "seccomp swapped for a weaker profile (ptrace, mount allowed)", weaken: seccomp(weakerProfile(peers.seccompJson, ["ptrace", "mount", "unshare"])), fields: ["seccomp"] },
    { name: "seccomp left to the engine's default", weaken: (b) => setSecurity(b, (o) => o.filter((x) => !x.startsWith("seccomp"))), fields: ["seccomp"] },
    { name: "extra security option (label=disable)", weaken: (b) => setSecurity(b, (o) => [...o, "label=disable"]), fields: ["securityOpt"] },
    { name: "read-only root off", weaken: set("ReadonlyRootfs", false), fields: ["readonlyRootfs"] },
    { name: "no pids limit", weaken: (b) => delete h(b).PidsLimit, fields: ["pidsLimit"] },
    { name: "higher pids limit", weaken: set("PidsLimit", 4096), fields: ["pidsLimit"] },
    { name: "higher memory", weaken: (b) => ((h(b).Memory = 2 * 1024 ** 3), (h(b).MemorySwap = 2 * 1024 ** 3)), fields: ["memory", "memorySwap"] },
    { name: "unlimited swap", weaken: set("MemorySwap", -1), fields: ["memorySwap"] },
    { name: "cpu shares raised", weaken: set("CpuShares", 262144), fields: ["cpuShares"] },
    { name: "user root", weaken: (b) => (b.User = "0:0"), fields: ["user"] },
    { name: "group root", weaken: (b) => (b.User = "65534:0"), fields: ["user"] },
    { name: "masked paths cleared", weaken: set("MaskedPaths", []), fields: ["maskedPaths"] },
    { name: "read-only paths cleared", weaken: set("ReadonlyPaths", []), fields: ["readonlyPaths"] },
    { name: "sysctl added", weaken: set("Sysctls", { "net.ipv4.ip_unprivileged_port_start": "0" }), fields: ["sysctls"] },
    { name: "ulimit raised", weaken: set("Ulimits", [{ Name: "core", Soft: -1, Hard: -1 }]), fields: ["ulimits"] },
    { name: "oom kill disabled", weaken: set("OomKillDisable", true), fields: ["oomKillDisable"] },
    { name: "volumes from another container", weaken: set("VolumesFrom", [peers.peerId]), fields: ["volumesFrom"] },
    { name: "extra hosts", weaken: set("ExtraHosts", ["registry.invalid:127.0.0.1"]), fields: ["extraHosts"] },
    { name: "auto-remove off", weaken: set("AutoRemove", false), fields: ["autoRemove"] },
    { name: "probe command swapped", weaken: (b) => (b.Cmd = ["-e", "process.stdout.write('{}')"]), fields: ["cmd"] },
    // Combinations: the escape the issue reports, and a sandbox weakened in every direction at once.
    { name: "COMBO socket group + socket directory bind (the reported escape)", weaken: combine(socketGroup, bind(peers.socketDir, "/mnt/engine", true)), fields: ["mounts", "groupAdd"] },
    { name: "COMBO privileged + host pid", weaken: combine(set("Privileged", true), set("PidMode", "host")), fields: ["pidMode", "privileged"] },
    { name: "COMBO capAdd ALL + seccomp unconfined + no pids limit", weaken: combine(cap("ALL"), seccomp("unconfined"), (b) => delete h(b).PidsLimit), fields: ["capAdd", "seccomp", "pidsLimit"] },
    { name: "COMBO rw bind + exec tmpfs + root", weaken: combine(bind(peers.hostDir, "/mnt/host", false), tmpfs("rw,exec,size=64m"), (b) => (b.User = "0:0")), fields: ["user", "mounts", "tmpfs"] },
    {
      name: "COMBO the weakened SSOT as an engine (allow-all, ALL caps, no limits, socket mounted)",
      weaken: combine(seccomp(JSON.stringify({ defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64"], syscalls: [] })), cap("ALL"), (b) => {
        delete h(b).PidsLimit;
        delete h(b).Memory;
        delete h(b).MemorySwap;
      }, bind(peers.socketPath, "/var/run/docker.sock", true)),
      fields: ["capAdd", "seccomp", "mounts", "pidsLimit", "memory", "memorySwap"],
    },
  ];
  return cases;
}
