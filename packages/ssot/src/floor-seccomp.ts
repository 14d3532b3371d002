import { isDeepStrictEqual } from "node:util";

/**
 * The seccomp half of the floor: the upper bound of any profile an SSOT may run. A profile is
 * within it when its default action is an errno, it names no architecture beyond these, and
 * every syscall it lets through the reference lets through too, under at least the reference's
 * argument conditions (conditions within one rule are ANDed, so more of them only narrow).
 */
export const FLOOR_SECCOMP_ARCHITECTURES = ["SCMP_ARCH_X86_64"] as const;

/** Syscalls the reference allows unconditionally. */
export const FLOOR_SECCOMP_ALLOW = [
  "accept4", "access", "arch_prctl", "bind", "brk", "capget", "capset", "chdir", "chmod", "clock_getres",
  "clock_gettime", "clock_nanosleep", "close", "connect", "copy_file_range", "dup", "dup2", "dup3",
  "epoll_create1", "epoll_ctl", "epoll_pwait", "eventfd2", "execve", "exit", "exit_group", "faccessat2",
  "fchmod", "fchown", "fcntl", "fstat", "fstatfs", "fsync", "ftruncate", "futex", "getcwd", "getdents64",
  "getegid", "geteuid", "getgid", "getgroups", "getpid", "getppid", "getrandom", "getrusage", "getsockname",
  "getsockopt", "gettid", "gettimeofday", "getuid", "ioctl", "kill", "listen", "lseek", "madvise", "mkdir",
  "mmap", "mprotect", "munmap", "nanosleep", "newfstatat", "openat", "pipe2", "pkey_alloc", "poll", "ppoll",
  "prctl", "pread64", "prlimit64", "read", "readlink", "rename", "restart_syscall", "rmdir", "rseq",
  "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sched_getaffinity", "sched_yield", "set_robust_list",
  "set_tid_address", "setgid", "setgroups", "setsockopt", "setuid", "shutdown", "sigaltstack", "statx",
  "sysinfo", "tgkill", "umask", "uname", "unlink", "wait4", "write",
] as const;

export interface FloorArg {
  index: number;
  value: number;
  valueTwo: number;
  op: string;
}

/** Syscalls the reference allows only under conditions: any one of the listed rules. */
export const FLOOR_SECCOMP_CONDITIONAL: Readonly<Record<string, readonly (readonly FloorArg[])[]>> = {
  // No namespace flags (CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET).
  clone: [[{ index: 0, value: 2114060288, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }]],
  // AF_UNIX, AF_INET, AF_INET6 only.
  socket: [1, 2, 10].map((family) => [{ index: 0, value: family, valueTwo: 0, op: "SCMP_CMP_EQ" }]),
  socketpair: [[{ index: 0, value: 1, valueTwo: 0, op: "SCMP_CMP_EQ" }]],
};

const UNCONDITIONAL: ReadonlySet<string> = new Set(FLOOR_SECCOMP_ALLOW);
/** Actions that deny the call (the KILL family is refused elsewhere: it kills Node instead of letting it fall back). */
const DENYING = new Set(["SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD"]);

interface RuleLike {
  names?: unknown;
  action?: unknown;
  args?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Why the profile is weaker than the floor (empty when it is not). `where` names the file and field. */
export function seccompFloorIssues(profile: unknown): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (!isObject(profile)) return [{ path: "(root)", message: "not a seccomp profile (a JSON object)" }];
  const defaultErrno = typeof profile.defaultErrnoRet === "number" ? profile.defaultErrnoRet : 1;
  if (profile.defaultAction !== "SCMP_ACT_ERRNO" || defaultErrno === 0) {
    out.push({ path: "defaultAction", message: `${JSON.stringify(profile.defaultAction)} is weaker than the floor (SCMP_ACT_ERRNO with a non-zero errno)` });
  }
  const arches = Array.isArray(profile.architectures) ? profile.architectures : [];
  if (arches.length === 0) out.push({ path: "architectures", message: "no architecture named: the floor names SCMP_ARCH_X86_64" });
  for (const arch of arches) {
    if (!(FLOOR_SECCOMP_ARCHITECTURES as readonly unknown[]).includes(arch)) {
      out.push({ path: "architectures", message: `${JSON.stringify(arch)} is beyond the floor (${FLOOR_SECCOMP_ARCHITECTURES.join(", ")}): another ABI opens another syscall table` });
    }
  }
  for (const key of ["archMap", "listenerPath", "flags"]) {
    if (key in profile) out.push({ path: key, message: `${key} is not in the floor's profile` });
  }
  const rules = Array.isArray(profile.syscalls) ? (profile.syscalls as unknown[]) : [];
  rules.forEach((raw, i) => {
    const rule: RuleLike = isObject(raw) ? raw : {};
    const names = Array.isArray(rule.names) ? rule.names.filter((n): n is string => typeof n === "string") : [];
    const where = `syscalls[${i}]`;
    if (typeof rule.action === "string" && DENYING.has(rule.action)) return;
    if (rule.action !== "SCMP_ACT_ALLOW") {
      // LOG, TRACE, TRAP, NOTIFY: each lets the call run or hands it to someone else.
      out.push({ path: `${where}.action`, message: `${JSON.stringify(rule.action)} for ${names.join(", ")} is weaker than the floor (allow within the reference, errno otherwise)` });
      return;
    }
    const args = Array.isArray(rule.args) ? rule.args.map(normalizeArg) : [];
    for (const name of names) {
      if (UNCONDITIONAL.has(name)) continue;
      const conditions = FLOOR_SECCOMP_CONDITIONAL[name];
      if (conditions === undefined) {
        out.push({ path: `${where}.names`, message: `${name} is allowed, beyond the floor's allowlist` });
      } else if (!conditions.some((needed) => needed.every((c) => args.some((a) => isDeepStrictEqual(a, c))))) {
        out.push({ path: `${where}.args`, message: `${name} is allowed under weaker argument conditions than the floor's` });
      }
    }
  });
  return out;
}

function normalizeArg(raw: unknown): FloorArg | null {
  if (!isObject(raw)) return null;
  return {
    index: typeof raw.index === "number" ? raw.index : -1,
    value: typeof raw.value === "number" ? raw.value : -1,
    valueTwo: typeof raw.valueTwo === "number" ? raw.valueTwo : 0,
    op: typeof raw.op === "string" ? raw.op : "",
  };
}
