import type { ProbeExpectation } from "./ssot.ts";

/**
 * The floor's probe set and expectations: every SSOT must run each of these probes and expect
 * at least this much (floor.ts). PLACEHOLDER: today's 16 probes as macro.yaml states them; the
 * allowlist probes (issue 12 items 1 and 5) replace this content.
 */
export const REFERENCE_PROBES: readonly ProbeExpectation[] = [
  { id: "P01-FS-ROOT-RO", title: "Root filesystem is mounted read-only", expected: { rootMountReadOnly: true, writeErrno: "EROFS" } },
  { id: "P02-FS-PROC-MASKED", title: "Sensitive /proc and /sys paths are masked or read-only", expected: { sysrqWritable: false, kcoreReadable: false, procSysReadOnly: true } },
  { id: "P03-SYS-MOUNT-DENIED", title: "mount(2) is denied", expected: { mountErrno: "EPERM" } },
  {
    id: "P04-SYS-USERNS-DENIED",
    title: "New user and mount namespaces cannot be created",
    expected: { unshareUserErrno: { $oneOf: ["EPERM", "ENOSPC"] }, unshareMountErrno: "EPERM" },
  },
  {
    id: "P05-SYS-SECCOMP-SENTINELS",
    title: "Denied syscalls answer with an errno, never a kill; clone3 returns ENOSYS",
    expected: { deniedWithEperm: true, clone3Errno: "ENOSYS", killedBySignal: false },
  },
  { id: "P06-PROC-SECCOMP-FILTER", title: "A seccomp filter is active", expected: { seccompMode: 2, filters: { $gte: 1 } } },
  { id: "P07-PROC-NO-NEW-PRIVS", title: "no_new_privs is set", expected: { noNewPrivs: 1 } },
  {
    id: "P08-PROC-CAPS-EMPTY",
    title: "Every capability set is empty",
    expected: { capInh: "0000000000000000", capPrm: "0000000000000000", capEff: "0000000000000000", capBnd: "0000000000000000", capAmb: "0000000000000000" },
  },
  { id: "P09-ID-NON-ROOT", title: "The process runs as a non-root user and cannot become root", expected: { anyRootId: false, setuidErrno: "EPERM" } },
  { id: "P10-NS-NOT-HOST", title: "PID, IPC and UTS namespaces are not the host's", expected: { pidNsIsHost: false, ipcNsIsHost: false, utsNsIsHost: false } },
  { id: "P11-NET-TOPOLOGY-LO-ONLY", title: "Only the loopback interface exists, with no routes off it", expected: { interfaces: ["lo"], ipv4Routes: 0, nonLoIpv6Routes: 0 } },
  { id: "P12-NET-EGRESS-UNREACHABLE", title: "Egress is unreachable", expected: { connectErrno: { $oneOf: ["ENETUNREACH", "EPERM", "EACCES"] } } },
  {
    id: "P13-HOST-SOCKETS-AND-MOUNTS",
    title: "No container-engine sockets or sensitive host mounts are visible",
    expected: { engineSockets: { $empty: true }, sensitiveMounts: { $empty: true } },
  },
  { id: "P14-SECRETS-ENV-AND-FILES", title: "No secret-like environment variables or credential files", expected: { secretEnvKeys: { $empty: true }, secretFiles: { $empty: true } } },
  { id: "P15-KEYRING-EMPTY", title: "The kernel keyring holds no keys", expected: { keys: { $empty: true } } },
  {
    id: "P16-CGROUP-LIMITS",
    title: "PID and memory limits are enforced by the cgroup",
    expected: { pidsLimited: true, memoryLimited: true, pidsMax: { $lte: 64 }, memoryMaxBytes: { $lte: 536870912 } },
  },
];
