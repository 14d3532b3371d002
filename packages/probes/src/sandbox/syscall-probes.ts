import type { JsonValue } from "@macro/ssot";
import { callHelper, HELPER_COMMANDS, outcomeOf, sweepCommands, sweepPlan, type HelperLine } from "./helper.ts";
import { inconclusive, listParam, measured, sorted, stringList, type ProbeDefinition } from "./probe.ts";

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

/** The sweep's range: x86_64 numbers 0..511 through syscall(2) (see helper/README.md for what is not swept). */
export const SWEEP_RANGE = "0-511";
const SWEEP_MAX = 511;

/**
 * Outcomes that mean "the call did not run": the profile's errno, or ENOSYS (the runtime
 * answers ENOSYS for numbers beyond the newest syscall its seccomp library knows, and the
 * kernel for numbers it lacks). The helper picks arguments so that no implemented call it
 * sweeps answers ENOSYS itself (see syscall-probe.c).
 */
const didNotRun = (outcome: string, deniedErrno: string) => outcome === deniedErrno || outcome === "ENOSYS";

function stringMap(value: JsonValue | undefined): Record<string, string> | null {
  if (value === null || value === undefined || typeof value !== "object" || Array.isArray(value)) return null;
  const entries = Object.entries(value);
  return entries.every((entry): entry is [string, string] => typeof entry[1] === "string") ? Object.fromEntries(entries) : null;
}

export const p05SeccompSweep: ProbeDefinition = {
  id: "P05-SYS-SECCOMP-SWEEP",
  title: "Every syscall number outside the profile's allowlist is denied with its errno; namespace flags and other socket families too",
  async run(env, expected) {
    if (process.arch !== "x64") return inconclusive({}, [`the sweep knows x86_64 numbers only; this is ${process.arch}`]);
    const plan = sweepPlan(expected);
    const deniedErrno = expected.deniedErrno;
    const exceptions = stringMap(expected.errnoExceptions);
    const passthrough = stringList(listParam(expected, "kernelPassthrough"));
    if (plan === null || typeof deniedErrno !== "string" || exceptions === null || passthrough === null) {
      return inconclusive({}, ["expected lacks the sweep's parameters: allowlist, socketFamilies, socketpairFamilies, deniedErrno, errnoExceptions, kernelPassthrough"]);
    }
    const commands = sweepCommands(plan);
    const sweep = await callHelper(env, commands.sweep);
    if (!sweep.ok) return inconclusive({}, [sweep.reason]);
    const numbered = sweep.lines.filter((line) => line.nr !== undefined);
    const numbers = numbered.map((line) => line.nr);
    // A partial sweep proves nothing about the numbers it did not reach.
    if (numbered.length !== SWEEP_MAX + 1 || numbers.some((nr, i) => nr !== i)) {
      return inconclusive({}, [`the sweep did not report every number 0..${SWEEP_MAX} once, in order (${numbered.length} line(s))`]);
    }
    const declared = new Set(plan.allowlist);
    const allowed = new Set(plan.allowlist);
    const measuredExceptions: Record<string, string> = {};
    const killed: string[] = [];
    const skipped: string[] = [];
    const notRun = new Map<string, number>();
    const evidence: string[] = [];
    for (const line of numbered) {
      if (line.skip === "allowed") continue;
      if (line.skip === "unsafe") {
        skipped.push(line.call);
        continue;
      }
      const outcome = outcomeOf(line);
      if (passthrough.includes(line.call)) {
        evidence.push(`${line.call} (${line.nr}): ${outcome} — the kernel never filters it (not judged)`);
      } else if (Object.hasOwn(exceptions, line.call)) {
        measuredExceptions[line.call] = outcome;
      } else if (line.signal !== undefined) {
        killed.push(line.call);
      } else if (!didNotRun(outcome, deniedErrno)) {
        allowed.add(line.call);
        evidence.push(`${line.call} (${line.nr}): ${outcome} — RAN, not on the allowlist`);
      } else {
        notRun.set(outcome, (notRun.get(outcome) ?? 0) + 1);
      }
    }
    for (const name of Object.keys(exceptions)) measuredExceptions[name] ??= "not-swept";
    for (const name of killed) evidence.push(`${name}: killed or hung`);
    for (const name of skipped) evidence.push(`${name}: not called (unsafe to call)`);
    const unknown = plan.allowlist.filter((name) => !numbered.some((line) => line.call === name));
    if (unknown.length > 0) evidence.push(`allowlist names no x86_64 syscall this helper knows: ${unknown.join(", ")}`);
    evidence.unshift(
      `swept ${SWEEP_RANGE} (x86_64, syscall(2), every argument -1): ${declared.size} on the allowlist not called, ` +
        [...notRun.entries()].map(([errno, count]) => `${count} ${errno}`).join(", ") + " (did not run)",
    );

    const ns = await callHelper(env, [...HELPER_COMMANDS.nsflags]);
    if (!ns.ok) return inconclusive({}, [...evidence, ns.reason]);
    const nsNotDenied = ns.lines.filter((line) => outcomeOf(line) !== deniedErrno).map((line) => `${line.call}: ${outcomeOf(line)}`);
    evidence.push(`namespace flags: ${ns.lines.length} unshare/clone call(s), ${nsNotDenied.length} not denied`);
    if (ns.lines.length < 15) return inconclusive({}, [...evidence, "the helper reported fewer namespace-flag calls than it makes"]);

    const fam = await callHelper(env, commands.families);
    if (!fam.ok) return inconclusive({}, [...evidence, fam.reason]);
    const socketFamilies = new Set(plan.socketFamilies);
    const socketpairFamilies = new Set(plan.socketpairFamilies);
    for (const line of fam.lines) {
      const match = /^(socket|socketpair)_af_(\d+)$/.exec(line.call);
      if (match?.[1] === undefined || match[2] === undefined) continue;
      if (outcomeOf(line) === deniedErrno) continue;
      (match[1] === "socket" ? socketFamilies : socketpairFamilies).add(Number(match[2]));
      evidence.push(`${line.call}: ${outcomeOf(line)} — not denied`);
    }
    if (fam.lines.length < 80) return inconclusive({}, [...evidence, "the helper reported fewer socket families than it tries"]);
    evidence.push("not swept: i386 (int 0x80) and x32 (nr | 0x40000000) entry points; EPERM from the kernel's own capability check looks like the filter's (P08 shows no capability is held)");
    return measured(
      {
        arch: "x86_64",
        swept: SWEEP_RANGE,
        deniedErrno,
        allowlist: sorted(allowed),
        errnoExceptions: measuredExceptions,
        kernelPassthrough: passthrough,
        killed: sorted(killed),
        skipped: sorted(skipped),
        namespaceFlagsNotDenied: sorted(nsNotDenied),
        socketFamilies: sorted(socketFamilies),
        socketpairFamilies: sorted(socketpairFamilies),
      },
      evidence,
    );
  },
};
