// Test-only support (not exported): a fake ProbeEnv and /proc contents observed in the real
// attestation container (`pnpm macro attest`: Docker 20.10 Engine API, cgroup v1, private
// cgroup namespace, the deny-by-default profile, --read-only --cap-drop ALL --user 65534 …).
import { fileURLToPath } from "node:url";
import { loadSsot, type ProbeExpectation, type ProbeResult } from "@macro/ssot";
import {
  CGROUP_V1_PRIVATE,
  HARDENED_DEV,
  HARDENED_DEVICES_LIST,
  HARDENED_HELPER,
  HARDENED_MOUNTINFO,
  HARDENED_STATUS,
  HARDENED_TREE,
  LO_IPV6_ROUTES,
  ROUTE_HEADER,
  UNIX_HEADER,
  type FakeFile,
  type FakeNode,
} from "./_hardened.ts";
import type { ConnectOutcome, ConnectRequest, HelperRun, NodeInfo, ProbeEnv, ProcessIds } from "./env.ts";
import type { ProbeDefinition } from "./probe.ts";
import { runProbes } from "./run.ts";

export * from "./_hardened.ts";

export const errno = (code: string): Error => Object.assign(new Error(`${code}: fake`), { code });

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
