import { describe, expect, it } from "vitest";
import { seccompDigest } from "@macro/ssot";
import { buildCreateBody } from "./api-create.ts";
import { checkEngineRecord } from "./engine-record.ts";
import { honestRecord } from "./_fake-engine.ts";
import { REFERENCE_STRICT_RUN_FLAGS } from "./reference-profile.ts";

const SECCOMP = '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "architectures": ["SCMP_ARCH_X86_64"],\n  "syscalls": []\n}\n';
const body = buildCreateBody(
  { name: "macro-t", image: "img:1", flags: REFERENCE_STRICT_RUN_FLAGS, seccompProfilePath: "/p.json", command: ["-e", "0"], mounts: [{ source: "/in", target: "/in", readOnly: true }] },
  SECCOMP,
);
type Rec = { Config: Record<string, unknown>; HostConfig: Record<string, unknown> } & Record<string, unknown>;
const honest = (): Rec => structuredClone(honestRecord(body)) as Rec;

const host = (over: Record<string, unknown>) => (r: Rec): Rec => ({ ...r, HostConfig: { ...r.HostConfig, ...over } });
const config = (over: Record<string, unknown>) => (r: Rec): Rec => ({ ...r, Config: { ...r.Config, ...over } });

describe("checkEngineRecord", () => {
  it("an honest record has no differences; the seccomp view is the profile's canonical digest", () => {
    const r = checkEngineRecord(body, honest());
    if (!r.ok) throw new Error(r.reason);
    expect(r.record.differences).toEqual([]);
    expect(r.record.reported.seccomp).toBe(`sha256:${seccompDigest(SECCOMP) ?? ""}`);
    expect(r.record.reportedSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  const otherProfile = JSON.stringify({ defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64"], syscalls: [] });
  const cases: [string, (r: Rec) => Rec, string[]][] = [
    ["extra ro bind", host({ Binds: ["/etc:/host-etc:ro"] }), ["mounts"]],
    ["rw bind", host({ Binds: ["/work:/w"] }), ["mounts"]],
    ["the requested bind made writable", host({ Mounts: [{ Type: "bind", Source: "/in", Target: "/in", ReadOnly: false }] }), ["mounts"]],
    ["the engine socket dir", host({ Mounts: [{ Type: "bind", Source: "/in", Target: "/in", ReadOnly: true }, { Type: "bind", Source: "/run", Target: "/r", ReadOnly: true }] }), ["mounts"]],
    ["a volume", config({ Volumes: { "/data": {} } }), ["volumes"]],
    ["supplementary group", host({ GroupAdd: ["998"] }), ["groupAdd"]],
    ["exec tmpfs", host({ Tmpfs: { "/tmp": "rw,exec,nosuid,nodev,size=64m" } }), ["tmpfs"]],
    ["env value changed", config({ Env: ["PATH=/usr/bin", "TOKEN=x"] }), ["env"]],
    ["a device", host({ Devices: [{ PathOnHost: "/dev/kmsg", PathInContainer: "/dev/kmsg", CgroupPermissions: "rwm" }] }), ["devices"]],
    ["a device cgroup rule", host({ DeviceCgroupRules: ["c 1:3 rwm"] }), ["deviceCgroupRules"]],
    ["a GPU request", host({ DeviceRequests: [{ Count: -1 }] }), ["deviceRequests"]],
    ["pid ns of another container", host({ PidMode: "container:abc" }), ["pidMode"]],
    ["host ipc", host({ IpcMode: "host" }), ["ipcMode"]],
    ["shareable ipc", host({ IpcMode: "shareable" }), ["ipcMode"]],
    ["host uts", host({ UTSMode: "host" }), ["utsMode"]],
    ["host userns", host({ UsernsMode: "host" }), ["usernsMode"]],
    ["host cgroupns", host({ CgroupnsMode: "host" }), ["cgroupnsMode"]],
    ["another container's cgroup", host({ Cgroup: "container:abc" }), ["cgroup"]],
    ["host network", host({ NetworkMode: "host" }), ["networkMode"]],
    ["network enabled", config({ NetworkDisabled: false }), ["networkDisabled"]],
    ["privileged", host({ Privileged: true }), ["privileged"]],
    ["cap added", host({ CapAdd: ["SYS_ADMIN"] }), ["capAdd"]],
    ["cap drop emptied", host({ CapDrop: null }), ["capDrop"]],
    ["capability set", host({ Capabilities: ["CAP_SYS_ADMIN"] }), ["capabilities"]],
    ["no-new-privileges dropped", host({ SecurityOpt: [`seccomp=${JSON.stringify(JSON.parse(SECCOMP))}`] }), ["noNewPrivileges"]],
    ["seccomp unconfined", host({ SecurityOpt: ["no-new-privileges", "seccomp=unconfined"] }), ["seccomp"]],
    ["seccomp swapped", host({ SecurityOpt: ["no-new-privileges", `seccomp=${otherProfile}`] }), ["seccomp"]],
    ["seccomp dropped (engine default)", host({ SecurityOpt: ["no-new-privileges"] }), ["seccomp"]],
    ["apparmor unconfined", host({ SecurityOpt: ["no-new-privileges", `seccomp=${JSON.stringify(JSON.parse(SECCOMP))}`, "apparmor=unconfined"] }), ["securityOpt"]],
    ["read-only root off", host({ ReadonlyRootfs: false }), ["readonlyRootfs"]],
    ["no pids limit", host({ PidsLimit: 0 }), ["pidsLimit"]],
    ["higher memory", host({ Memory: 1 << 30 }), ["memory"]],
    ["swap", host({ MemorySwap: -1 }), ["memorySwap"]],
    ["cpu", host({ NanoCpus: 4e9 }), ["nanoCpus"]],
    ["user root", config({ User: "0:0" }), ["user"]],
    ["command swapped", config({ Cmd: ["-e", "1"] }), ["cmd"]],
    ["image swapped", config({ Image: "other:1" }), ["image"]],
    ["masked paths cleared", host({ MaskedPaths: [] }), ["maskedPaths"]],
    ["read-only paths cleared", host({ ReadonlyPaths: null }), ["readonlyPaths"]],
    ["sysctl", host({ Sysctls: { "net.ipv4.ip_forward": "1" } }), ["sysctls"]],
    ["ulimit", host({ Ulimits: [{ Name: "nofile", Soft: 1048576, Hard: 1048576 }] }), ["ulimits"]],
    ["oom-kill off", host({ OomKillDisable: true }), ["oomKillDisable"]],
    ["volumes-from", host({ VolumesFrom: ["other"] }), ["volumesFrom"]],
    ["links", host({ Links: ["/other:/me/other"] }), ["links"]],
    ["extra hosts", host({ ExtraHosts: ["x:127.0.0.1"] }), ["extraHosts"]],
    ["restart policy", host({ RestartPolicy: { Name: "always" } }), ["restartPolicy"]],
    ["auto-remove off", host({ AutoRemove: false }), ["autoRemove"]],
    ["cgroup parent", host({ CgroupParent: "/" }), ["cgroupParent"]],
    ["several at once", (r) => host({ Privileged: true, PidMode: "host" })(config({ User: "0" })(r)), ["user", "pidMode", "privileged"]],
  ];
  it.each(cases)("%s is named", (_name, mutate, fields) => {
    const r = checkEngineRecord(body, mutate(honest()));
    if (!r.ok) throw new Error(r.reason);
    expect(r.record.differences.map((d) => d.field)).toEqual(fields);
  });

  it("more masked paths than the defaults is not a difference", () => {
    const r = checkEngineRecord(body, host({ MaskedPaths: ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"] })(honest()));
    expect(r.ok && r.record.differences).toEqual([]);
  });

  it("a record that does not parse is refused", () => {
    expect(checkEngineRecord(body, { Id: "x" }).ok).toBe(false);
    expect(checkEngineRecord(body, null).ok).toBe(false);
  });
});
