// Test-only support (not exported): a fake ProbeEnv and /proc contents observed in the real
// attestation container (`pnpm macro attest`: Docker 20.10 Engine API, cgroup v1, private
// cgroup namespace, the deny-by-default profile, --read-only --cap-drop ALL --user 65534 …).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadSsot, type ProbeExpectation, type ProbeResult } from "@macro/ssot";
import type { ConnectOutcome, ConnectRequest, HelperRun, NodeInfo, NodeKind, ProbeEnv, ProcessIds } from "./env.ts";
import type { ProbeDefinition } from "./probe.ts";
import { runProbes } from "./run.ts";

export const errno = (code: string): Error => Object.assign(new Error(`${code}: fake`), { code });

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

const CGROUP_V1_PRIVATE = ["9:name=systemd:/", "8:pids:/", "7:blkio:/", "6:freezer:/", "5:devices:/", "4:memory:/", "3:cpuset:/", "2:cpuacct:/", "1:cpu:/", "0::/"].join("\n") + "\n";

export interface FakeOptions {
  files?: Record<string, FakeFile>;
  dirs?: Record<string, string[] | Error>;
  links?: Record<string, string>;
  /** Extra nodes (or Errors) anywhere in the tree; a parent directory lists them. */
  nodes?: Record<string, FakeNode | Error>;
  /** Result of an open-for-write per path; default EROFS for creates, EACCES otherwise. */
  openForWrite?: (path: string, create: boolean) => void;
  /** Directories a copy of the helper may be written to (default /tmp and /dev/shm) and those it then runs from (default none). */
  writableDirs?: string[];
  execDirs?: string[];
  helper?: Record<string, HelperRun | Error>;
  connect?: (request: ConnectRequest) => Promise<ConnectOutcome>;
  connectUnix?: (path: string) => ConnectOutcome;
  env?: Record<string, string>;
  ids?: ProcessIds;
  setuid?: (id: number) => void;
  pid?: number;
  kernelRelease?: string;
}

export interface FakeEnv extends ProbeEnv {
  calls: { connect: ConnectRequest[]; helper: string[][]; unlink: string[]; opened: string[]; written: string[]; executed: string[]; unix: string[] };
}

export const HARDENED: Required<Pick<FakeOptions, "files" | "dirs" | "links">> = {
  files: {
    "/proc/self/mountinfo": HARDENED_MOUNTINFO,
    "/proc/self/status": HARDENED_STATUS,
    "/proc/self/cgroup": CGROUP_V1_PRIVATE,
    "/proc/1/stat": "1 (node) R 0 1 1 0 -1 4194560 0 0 0 0\n",
    "/proc/sysvipc/shm": "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n",
    "/proc/sysvipc/msg": "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n",
    "/proc/sysvipc/sem": "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n",
    "/proc/net/route": ROUTE_HEADER,
    "/proc/net/ipv6_route": LO_IPV6_ROUTES,
    "/proc/net/unix": UNIX_HEADER,
    "/proc/keys": "",
    "/sys/fs/cgroup/pids/pids.max": "64\n",
    "/sys/fs/cgroup/memory/memory.limit_in_bytes": "268435456\n",
    "/sys/fs/cgroup/devices/devices.list": HARDENED_DEVICES_LIST,
  },
  dirs: { "/sys/class/net": ["lo"], "/proc": ["1", "acpi", "self", "thread-self"], "/dev/mqueue": [] },
  links: {
    "/proc/self/ns/pid": "pid:[4026532177]",
    "/proc/self/ns/ipc": "ipc:[4026532176]",
    "/proc/self/ns/uts": "uts:[4026532175]",
    "/proc/self/ns/user": "user:[4026531837]",
    "/proc/self/ns/time": "time:[4026531834]",
    "/proc/self/ns/mnt": "mnt:[4026532174]",
    "/proc/self/ns/net": "net:[4026532178]",
    "/proc/self/ns/cgroup": "cgroup:[4026532243]",
    ...Object.fromEntries(Object.entries(HARDENED_DEV).flatMap(([path, node]) => (node.link === undefined ? [] : [[path, node.link]]))),
  },
};

const parentOf = (path: string) => path.slice(0, path.lastIndexOf("/")) || "/";

/** A fake env that looks like the attestation container; every option overrides or extends it. */
export function fakeEnv(options: FakeOptions = {}): FakeEnv {
  const files: Record<string, FakeFile> = { ...HARDENED.files, ...options.files };
  const dirs = { ...HARDENED.dirs, ...options.dirs };
  const links = { ...HARDENED.links, ...options.links };
  const nodes: Record<string, FakeNode | Error> = { ...HARDENED_TREE, ...HARDENED_DEV, ...options.nodes };
  const helper = { ...HARDENED_HELPER, ...options.helper };
  const writable = options.writableDirs ?? ["/tmp", "/dev/shm"];
  const executable = options.execDirs ?? [];
  const calls: FakeEnv["calls"] = { connect: [], helper: [], unlink: [], opened: [], written: [], executed: [], unix: [] };
  const lookup = <T>(table: Record<string, T | Error>, path: string): T => {
    const value = Object.hasOwn(table, path) ? table[path] : undefined;
    if (value === undefined) throw errno("ENOENT");
    if (value instanceof Error) throw value;
    return value;
  };
  const nodeInfo = (path: string): NodeInfo => {
    const node = lookup(nodes, path);
    return { kind: node.kind, mode: node.mode ?? 0o755, major: node.major ?? 0, minor: node.minor ?? 0 };
  };
  return {
    calls,
    readFile: async (path) => lookup(files, path),
    readHead: async (path, bytes) => Math.min(bytes, lookup(files, path).length),
    readdir: async (path) => lookup(dirs, path),
    readlink: async (path) => lookup(links, path),
    lstat: async (path) => nodeInfo(path),
    async listDir(path) {
      const own = Object.hasOwn(nodes, path) ? nodes[path] : undefined;
      if (own instanceof Error) throw own;
      if (path !== "/" && own === undefined) throw errno("ENOENT");
      if (own !== undefined && own.kind !== "dir") throw errno("ENOTDIR");
      return Object.entries(nodes)
        .filter(([child]) => child !== "/" && parentOf(child) === path)
        .map(([child, node]) => ({ name: child.slice(child.lastIndexOf("/") + 1), kind: node instanceof Error ? "dir" : node.kind }));
    },
    async copyHelperTo(path) {
      calls.written.push(path);
      if (!writable.includes(parentOf(path))) throw errno("EACCES");
    },
    async execAt(path) {
      calls.executed.push(path);
      if (!executable.includes(parentOf(path))) throw errno("EACCES");
      return { exitCode: 0, signal: null, stdout: "" };
    },
    async connectUnix(path) {
      calls.unix.push(path);
      return options.connectUnix ? options.connectUnix(path) : { kind: "error", code: "ECONNREFUSED" };
    },
    openForWrite: async (path, create) => {
      calls.opened.push(path);
      if (options.openForWrite) return options.openForWrite(path, create);
      throw errno(create ? "EROFS" : "EACCES");
    },
    unlink: async (path) => {
      calls.unlink.push(path);
    },
    async runHelper(args) {
      calls.helper.push(args);
      const run = helper[args[0] ?? ""];
      if (run === undefined) throw errno("ENOENT");
      if (run instanceof Error) throw run;
      return run;
    },
    async connect(request) {
      calls.connect.push(request);
      return options.connect ? options.connect(request) : { kind: "error", code: "ENETUNREACH" };
    },
    env: options.env ?? { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOSTNAME: "071d4ce6e51e", HOME: "/" },
    ids: () => options.ids ?? { uid: 65534, euid: 65534, gid: 65534, egid: 65534, groups: [65534] },
    setuid: options.setuid ?? (() => {
      throw errno("EPERM");
    }),
    pid: options.pid ?? 1,
    kernelRelease: options.kernelRelease ?? "6.1.0-test",
    nonce: () => "0123456789abcdef",
  };
}

/** The nonce the tests' attester issues. */
export const TEST_NONCE = "0123456789abcdef0123456789abcdef";

/** The expectations of the repository's default SSOT, so tests prove the probes speak its keys. */
let cachedExpectations: Promise<ProbeExpectation[]> | undefined;

export function ssotExpectations(): Promise<ProbeExpectation[]> {
  cachedExpectations ??= loadExpectations();
  return cachedExpectations;
}

async function loadExpectations(): Promise<ProbeExpectation[]> {
  const loaded = await loadSsot(fileURLToPath(new URL("../../../../macro.yaml", import.meta.url)));
  if (!loaded.ok) throw new Error(`macro.yaml did not load: ${loaded.error.code}`);
  return loaded.value.ssot.sandbox.probes;
}

export async function expectationFor(id: string): Promise<ProbeExpectation> {
  const found = (await ssotExpectations()).find((expectation) => expectation.id === id);
  if (found === undefined) throw new Error(`macro.yaml has no expectation for ${id}`);
  return found;
}

/** Runs one probe against the SSOT's expectation for it, through the real runner. */
export async function judge(probe: ProbeDefinition, env: ProbeEnv): Promise<ProbeResult> {
  const report = await runProbes([await expectationFor(probe.id)], TEST_NONCE, env, [probe]);
  const [result] = report.probes;
  if (result === undefined) throw new Error("runner returned no result");
  return result;
}
