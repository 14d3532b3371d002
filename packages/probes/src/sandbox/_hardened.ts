// Test-only (not exported): the surface of the real attestation container (`pnpm macro attest`:
// Docker 20.10 Engine API, cgroup v1, private cgroup namespace, the deny-by-default profile,
// --read-only --cap-drop ALL --user 65534 …), as the fake ProbeEnv of _test-support.ts serves it.
import { readFileSync } from "node:fs";
import type { HelperRun, NodeKind } from "./env.ts";

export const HARDENED_MOUNTINFO = `75 51 0:40 / / ro,relatime master:2 - overlay overlay rw,lowerdir=/l/A:/l/B,upperdir=/d/diff,workdir=/d/work
76 75 0:43 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
77 75 0:44 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755
78 77 0:45 / /dev/pts rw,nosuid,noexec,relatime - devpts devpts rw,gid=5,mode=620,ptmxmode=666
79 75 0:46 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro
80 79 0:47 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,mode=755
81 80 0:29 / /sys/fs/cgroup/cpu ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpu
82 80 0:30 / /sys/fs/cgroup/cpuacct ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpuacct
83 80 0:31 / /sys/fs/cgroup/cpuset ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpuset
84 80 0:32 / /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,memory
85 80 0:33 / /sys/fs/cgroup/devices ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,devices
86 80 0:34 / /sys/fs/cgroup/freezer ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,freezer
87 80 0:35 / /sys/fs/cgroup/blkio ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,blkio
88 80 0:36 / /sys/fs/cgroup/pids ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,pids
89 80 0:37 / /sys/fs/cgroup/systemd ro,nosuid,nodev,noexec,relatime - cgroup systemd rw,name=systemd
90 77 0:42 / /dev/mqueue rw,nosuid,nodev,noexec,relatime - mqueue mqueue rw
91 77 0:48 / /dev/shm rw,nosuid,nodev,noexec,relatime - tmpfs shm rw,size=65536k
93 75 0:49 / /tmp rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,size=16384k
95 75 254:0 /var/lib/docker/containers/071d4ce6e51ec48db446123398a2280ba46d4c43535520e3783be1a895d332e9/hostname /etc/hostname ro,relatime - ext4 /dev/vda rw,discard
52 76 0:43 /bus /proc/bus ro,nosuid,nodev,noexec,relatime - proc proc rw
53 76 0:43 /fs /proc/fs ro,nosuid,nodev,noexec,relatime - proc proc rw
54 76 0:43 /irq /proc/irq ro,nosuid,nodev,noexec,relatime - proc proc rw
55 76 0:43 /sys /proc/sys ro,nosuid,nodev,noexec,relatime - proc proc rw
56 76 0:50 / /proc/acpi ro,relatime - tmpfs tmpfs ro
57 76 0:44 /null /proc/keys rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755
58 76 0:44 /null /proc/timer_list rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755
59 79 0:51 / /sys/firmware ro,relatime - tmpfs tmpfs ro
`;

export const HARDENED_STATUS = `Name:\tnode
Umask:\t0022
State:\tR (running)
Pid:\t1
Uid:\t65534\t65534\t65534\t65534
Gid:\t65534\t65534\t65534\t65534
Groups:\t65534 
NoNewPrivs:\t1
CapInh:\t0000000000000000
CapPrm:\t0000000000000000
CapEff:\t0000000000000000
CapBnd:\t0000000000000000
CapAmb:\t0000000000000000
Seccomp:\t2
Seccomp_filters:\t1
`;

export const ROUTE_HEADER = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";
export const LO_IPV6_ROUTES =
  "00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000001 00000000 80200001       lo\n" +
  "ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001       lo\n";
export const UNIX_HEADER = "Num       RefCount Protocol Flags    Type St Inode Path\n";

/** The helper's batch output (sweep, nsflags, families) recorded in the attestation container. */
export const HARDENED_HELPER_BATCH = readFileSync(new URL("./_fixtures/helper-hardened.txt", import.meta.url), "utf8");

/** One section of the recorded batch, as the helper prints it when run on its own. */
export function helperSection(name: string, batch = HARDENED_HELPER_BATCH): string {
  const lines = batch.split("\n");
  const start = lines.indexOf(`{"section":"${name}"}`);
  if (start < 0) throw new Error(`no section ${name}`);
  const end = lines.findIndex((line, i) => i > start && line.startsWith('{"section"'));
  return lines.slice(start + 1, end < 0 ? undefined : end).filter((l) => l.length > 0).join("\n");
}

/** The recorded sweep with one call's outcome replaced (`errno` name or `SIG…`). */
export function sweepWith(changes: Record<string, string>): string {
  return helperSection("sweep")
    .split("\n")
    .map((line) => {
      const parsed = JSON.parse(line) as { call: string; nr: number };
      const change = changes[parsed.call];
      if (change === undefined) return line;
      return JSON.stringify(change.startsWith("SIG") ? { call: parsed.call, nr: parsed.nr, ret: -1, errno: "none", signal: change } : { call: parsed.call, nr: parsed.nr, ret: -1, errno: change });
    })
    .join("\n");
}

const ok = (stdout: string): HelperRun => ({ exitCode: 0, signal: null, stdout: `${stdout}\n` });

export const HARDENED_HELPER: Record<string, HelperRun> = {
  unshare: ok('{"call":"unshare_user","ret":-1,"errno":"EPERM"}\n{"call":"unshare_mount","ret":-1,"errno":"EPERM"}'),
  mount: ok('{"call":"mount","ret":-1,"errno":"EPERM"}'),
  nnp: ok('{"call":"prctl_get_no_new_privs","ret":1,"errno":"none"}'),
  sweep: ok(helperSection("sweep")),
  nsflags: ok(helperSection("nsflags")),
  families: ok(helperSection("families")),
};

export type FakeFile = string | Error;
export type FakeNode = { kind: NodeKind; mode?: number; major?: number; minor?: number };

/** /dev in the attestation container, as listDir/lstat/readlink see it. */
export const HARDENED_DEV: Record<string, FakeNode & { link?: string }> = {
  "/dev/fd": { kind: "link", link: "/proc/self/fd" },
  "/dev/full": { kind: "char", mode: 0o666, major: 1, minor: 7 },
  "/dev/mqueue": { kind: "dir" },
  "/dev/null": { kind: "char", mode: 0o666, major: 1, minor: 3 },
  "/dev/ptmx": { kind: "link", link: "pts/ptmx" },
  "/dev/pts": { kind: "dir" },
  "/dev/pts/ptmx": { kind: "char", mode: 0o666, major: 5, minor: 2 },
  "/dev/random": { kind: "char", mode: 0o666, major: 1, minor: 8 },
  "/dev/shm": { kind: "dir" },
  "/dev/stderr": { kind: "link", link: "/proc/self/fd/2" },
  "/dev/stdin": { kind: "link", link: "/proc/self/fd/0" },
  "/dev/stdout": { kind: "link", link: "/proc/self/fd/1" },
  "/dev/tty": { kind: "char", mode: 0o666, major: 5, minor: 0 },
  "/dev/urandom": { kind: "char", mode: 0o666, major: 1, minor: 9 },
  "/dev/zero": { kind: "char", mode: 0o666, major: 1, minor: 5 },
};

/** The rest of the image's tree (what the socket walk sees), directories and files. */
export const HARDENED_TREE: Record<string, FakeNode> = {
  "/": { kind: "dir" },
  "/.dockerenv": { kind: "file" },
  "/proc/bus": { kind: "dir" },
  "/proc/fs": { kind: "dir" },
  "/proc/irq": { kind: "dir" },
  "/proc/sys": { kind: "dir" },
  "/dev": { kind: "dir" },
  "/proc/keys": { kind: "file" },
  "/proc/timer_list": { kind: "file" },
  "/etc": { kind: "dir" },
  "/etc/hostname": { kind: "file" },
  "/lib": { kind: "dir" },
  "/lib64": { kind: "dir" },
  "/lib64/ld-linux-x86-64.so.2": { kind: "file" },
  "/opt": { kind: "dir" },
  "/opt/macro": { kind: "dir" },
  "/opt/macro/probe-entry.cjs": { kind: "file" },
  "/opt/macro/syscall-probe": { kind: "file" },
  "/usr": { kind: "dir" },
  "/usr/local": { kind: "dir" },
  "/usr/local/bin": { kind: "dir" },
  "/usr/local/bin/node": { kind: "file" },
  "/tmp": { kind: "dir" },
  "/proc": { kind: "dir" },
  "/sys": { kind: "dir" },
  "/sys/fs": { kind: "dir" },
  "/sys/fs/cgroup": { kind: "dir" },
  "/proc/acpi": { kind: "dir" },
  "/sys/firmware": { kind: "dir" },
  ...Object.fromEntries(["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "systemd"].map((c) => [`/sys/fs/cgroup/${c}`, { kind: "dir" as const }])),
};

export const HARDENED_DEVICES_LIST = ["b *:* m", "c *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 10:200 rwm", "c 136:* rwm"].join("\n") + "\n";

export const CGROUP_V1_PRIVATE = ["9:name=systemd:/", "8:pids:/", "7:blkio:/", "6:freezer:/", "5:devices:/", "4:memory:/", "3:cpuset:/", "2:cpuacct:/", "1:cpu:/", "0::/"].join("\n") + "\n";

