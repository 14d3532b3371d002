// Test-only support (not exported): a fake ProbeEnv and /proc contents observed in a real
// hardened container (docker run --read-only --cap-drop ALL --network none --user 65534 …).
import { fileURLToPath } from "node:url";
import { loadSsot, type ProbeExpectation, type ProbeResult } from "@macro/ssot";
import type { ConnectOutcome, ConnectRequest, HelperRun, ProbeEnv, ProcessIds } from "./env.ts";
import type { ProbeDefinition } from "./probe.ts";
import { runProbes } from "./run.ts";

export const errno = (code: string): Error => Object.assign(new Error(`${code}: fake`), { code });

export const HARDENED_MOUNTINFO = `72 48 0:39 / / ro,relatime master:2 - overlay overlay rw,lowerdir=/l/A:/l/B,upperdir=/d/diff,workdir=/d/work
73 72 0:42 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw
74 72 0:43 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755
75 74 0:44 / /dev/pts rw,nosuid,noexec,relatime - devpts devpts rw,gid=5,mode=620,ptmxmode=666
76 72 0:45 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro
77 76 0:46 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,mode=755
85 77 0:36 /docker/5741 /sys/fs/cgroup/pids ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,pids
87 74 0:41 / /dev/mqueue rw,nosuid,nodev,noexec,relatime - mqueue mqueue rw
88 74 0:47 / /dev/shm rw,nosuid,nodev,noexec,relatime - tmpfs shm rw,size=65536k
89 72 0:48 / /tmp rw,nosuid,nodev,noexec,relatime - tmpfs tmpfs rw,size=16384k
90 72 254:0 /var/lib/docker/containers/5741/resolv.conf /etc/resolv.conf ro,relatime - ext4 /dev/vda rw,discard
92 72 254:0 /var/lib/docker/containers/5741/hosts /etc/hosts ro,relatime - ext4 /dev/vda rw,discard
49 73 0:42 /bus /proc/bus ro,nosuid,nodev,noexec,relatime - proc proc rw
52 73 0:42 /sys /proc/sys ro,nosuid,nodev,noexec,relatime - proc proc rw
54 73 0:43 /null /proc/keys rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755
56 76 0:50 / /sys/firmware ro,relatime - tmpfs tmpfs ro
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

export const HARDENED_SENTINELS = [
  "keyctl", "add_key", "request_key", "io_uring_setup", "perf_event_open", "process_vm_readv", "ptrace",
  "bpf", "init_module", "finit_module", "kexec_load", "reboot", "swapon", "pivot_root", "chroot",
  "open_by_handle_at", "userfaultfd", "setns", "umount2", "socket_af_vsock", "socket_af_alg",
]
  .map((call) => JSON.stringify({ call, ret: -1, errno: "EPERM" }))
  .concat(JSON.stringify({ call: "clone3", ret: -1, errno: "ENOSYS" }))
  .join("\n");

const ok = (stdout: string): HelperRun => ({ exitCode: 0, signal: null, stdout: `${stdout}\n` });

export const HARDENED_HELPER: Record<string, HelperRun> = {
  sentinels: ok(HARDENED_SENTINELS),
  unshare: ok('{"call":"unshare_user","ret":-1,"errno":"EPERM"}\n{"call":"unshare_mount","ret":-1,"errno":"EPERM"}'),
  mount: ok('{"call":"mount","ret":-1,"errno":"EPERM"}'),
  nnp: ok('{"call":"prctl_get_no_new_privs","ret":1,"errno":"none"}'),
};

export type FakeFile = string | Error;

export interface FakeOptions {
  files?: Record<string, FakeFile>;
  dirs?: Record<string, string[] | Error>;
  links?: Record<string, string>;
  present?: Record<string, { isSocket: boolean } | Error>;
  /** Result of an open-for-write per path; default EROFS for creates, EACCES otherwise. */
  openForWrite?: (path: string, create: boolean) => void;
  helper?: Record<string, HelperRun | Error>;
  connect?: (request: ConnectRequest) => Promise<ConnectOutcome>;
  env?: Record<string, string>;
  ids?: ProcessIds;
  setuid?: (id: number) => void;
  pid?: number;
  kernelRelease?: string;
}

export interface FakeEnv extends ProbeEnv {
  calls: { connect: ConnectRequest[]; helper: string[][]; unlink: string[]; opened: string[] };
}

export const HARDENED: Required<Pick<FakeOptions, "files" | "dirs" | "links">> = {
  files: {
    "/proc/self/mountinfo": HARDENED_MOUNTINFO,
    "/proc/self/status": HARDENED_STATUS,
    "/proc/net/route": ROUTE_HEADER,
    "/proc/net/ipv6_route": LO_IPV6_ROUTES,
    "/proc/net/unix": UNIX_HEADER,
    "/proc/keys": "",
    "/sys/fs/cgroup/pids/pids.max": "64\n",
    "/sys/fs/cgroup/memory/memory.limit_in_bytes": "268435456\n",
  },
  dirs: { "/sys/class/net": ["lo"] },
  links: {
    "/proc/self/ns/pid": "pid:[4026532180]",
    "/proc/self/ns/ipc": "ipc:[4026532179]",
    "/proc/self/ns/uts": "uts:[4026532178]",
    "/proc/self/ns/user": "user:[4026531837]",
    "/proc/self/ns/mnt": "mnt:[4026532177]",
    "/proc/self/ns/net": "net:[4026532181]",
    "/proc/self/ns/cgroup": "cgroup:[4026531835]",
  },
};

/** A fake env that looks like a hardened container; every option overrides or extends it. */
export function fakeEnv(options: FakeOptions = {}): FakeEnv {
  const files: Record<string, FakeFile> = { ...HARDENED.files, ...options.files };
  const dirs = { ...HARDENED.dirs, ...options.dirs };
  const links = { ...HARDENED.links, ...options.links };
  const helper = { ...HARDENED_HELPER, ...options.helper };
  const calls: FakeEnv["calls"] = { connect: [], helper: [], unlink: [], opened: [] };
  const lookup = <T>(table: Record<string, T | Error>, path: string): T => {
    const value = Object.hasOwn(table, path) ? table[path] : undefined;
    if (value === undefined) throw errno("ENOENT");
    if (value instanceof Error) throw value;
    return value;
  };
  return {
    calls,
    readFile: async (path) => lookup(files, path),
    readHead: async (path, bytes) => Math.min(bytes, lookup(files, path).length),
    readdir: async (path) => lookup(dirs, path),
    readlink: async (path) => lookup(links, path),
    lstat: async (path) => lookup(options.present ?? {}, path),
    async openForWrite(path, create) {
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
    env: options.env ?? { PATH: "/usr/local/bin", HOSTNAME: "c0ffee", HOME: "/" },
    ids: () => options.ids ?? { uid: 65534, euid: 65534, gid: 65534, egid: 65534, groups: [65534] },
    setuid: options.setuid ?? (() => {
      throw errno("EPERM");
    }),
    pid: options.pid ?? 1,
    kernelRelease: options.kernelRelease ?? "6.1.0-test",
    nonce: () => "0123456789abcdef",
  };
}

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
  const report = await runProbes([await expectationFor(probe.id)], env, [probe]);
  const [result] = report.probes;
  if (result === undefined) throw new Error("runner returned no result");
  return result;
}
