import type { JsonValue } from "@macro/ssot";
import { callHelper, HELPER_COMMANDS, outcomeOf, type HelperLine } from "./helper.ts";
import { inconclusive, measured, type ProbeDefinition } from "./probe.ts";

/** The security sentinels P05 expects the helper to report, in its order; clone3 is the compat check. */
export const SENTINEL_CALLS = [
  "keyctl", "add_key", "request_key", "io_uring_setup", "perf_event_open", "process_vm_readv",
  "ptrace", "bpf", "init_module", "finit_module", "kexec_load", "reboot", "swapon", "pivot_root",
  "chroot", "open_by_handle_at", "userfaultfd", "setns", "umount2", "socket_af_vsock", "socket_af_alg",
] as const;

const describe = (line: HelperLine) => `${line.call}: ret ${line.ret} ${outcomeOf(line)}`;

export const p03MountDenied: ProbeDefinition = {
  id: "P03-SYS-MOUNT-DENIED",
  title: "mount(2) is denied",
  async run(env) {
    const run = await callHelper(env, [...HELPER_COMMANDS.mount]);
    if (!run.ok) return inconclusive({}, [run.reason]);
    const line = run.lines.find((entry) => entry.call === "mount");
    if (line === undefined) return inconclusive({}, ["helper reported no mount call"]);
    const mkdir = run.lines.find((entry) => entry.call === "mkdir");
    const target = mkdir ? `target /tmp itself (mkdir under it: ${mkdir.errno})` : "target a fresh directory under /tmp";
    return measured({ mountErrno: outcomeOf(line) }, [target, describe(line)]);
  },
};

export const p04UsernsDenied: ProbeDefinition = {
  id: "P04-SYS-USERNS-DENIED",
  title: "unshare of user and mount namespaces is denied",
  async run(env) {
    const run = await callHelper(env, [...HELPER_COMMANDS.unshare]);
    if (!run.ok) return inconclusive({}, [run.reason]);
    const user = run.lines.find((entry) => entry.call === "unshare_user");
    const mount = run.lines.find((entry) => entry.call === "unshare_mount");
    if (user === undefined || mount === undefined) return inconclusive({}, ["helper did not report both unshare calls"]);
    return measured(
      { unshareUserErrno: outcomeOf(user), unshareMountErrno: outcomeOf(mount) },
      [describe(user), describe(mount)],
    );
  },
};

export const p05SeccompSentinels: ProbeDefinition = {
  id: "P05-SYS-SECCOMP-SENTINELS",
  title: "Seccomp answers security-sensitive syscalls with EPERM, clone3 with ENOSYS",
  async run(env) {
    const run = await callHelper(env, [...HELPER_COMMANDS.sentinels]);
    if (!run.ok) return inconclusive({}, [run.reason]);
    const byCall = new Map(run.lines.map((line) => [line.call, line]));
    const missing = [...SENTINEL_CALLS, "clone3"].filter((call) => !byCall.has(call));
    // A partial answer cannot prove "all denied": never let a missing sentinel count as denied.
    if (missing.length > 0) return inconclusive({}, [`helper did not report: ${missing.join(", ")}`]);
    const results: Record<string, JsonValue> = {};
    for (const call of SENTINEL_CALLS) {
      const line = byCall.get(call);
      if (line) results[call] = outcomeOf(line);
    }
    const clone3 = byCall.get("clone3");
    return measured(
      {
        deniedWithEperm: SENTINEL_CALLS.every((call) => results[call] === "EPERM"),
        clone3Errno: clone3 ? outcomeOf(clone3) : "missing",
        killedBySignal: run.lines.some((line) => line.signal !== undefined),
        results,
      },
      run.lines.map(describe),
    );
  },
};
