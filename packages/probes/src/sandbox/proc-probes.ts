import { errnoOf, tryRead, type ProbeEnv } from "./env.ts";
import { callHelper, HELPER_COMMANDS } from "./helper.ts";
import { parseIntList, parseIntStrict, parseStatus } from "./parse.ts";
import { inconclusive, measured, type ProbeDefinition } from "./probe.ts";

async function readStatus(env: ProbeEnv): Promise<{ fields: Map<string, string> } | { errno: string }> {
  const read = await tryRead(env, "/proc/self/status");
  if ("errno" in read) return read;
  return { fields: parseStatus(read.text) };
}

// gVisor reports Seccomp 0 for a confined workload (the filter confines the sandbox kernel, not us).
const isGvisor = (env: ProbeEnv) => env.kernelRelease.toLowerCase().includes("gvisor");

export const p06SeccompFilter: ProbeDefinition = {
  id: "P06-PROC-SECCOMP-FILTER",
  title: "A seccomp filter is installed",
  async run(env) {
    const status = await readStatus(env);
    if ("errno" in status) return inconclusive({}, [`/proc/self/status unreadable (${status.errno})`]);
    const seccompMode = parseIntStrict(status.fields.get("Seccomp"));
    if (seccompMode === null) return inconclusive({}, ["/proc/self/status has no Seccomp field"]);
    const filters = parseIntStrict(status.fields.get("Seccomp_filters"));
    const evidence = [`Seccomp: ${seccompMode}`, `Seccomp_filters: ${filters ?? "absent"}`];
    if (seccompMode === 0 && isGvisor(env)) {
      evidence.push(`kernel ${env.kernelRelease} is gVisor: procfs cannot show the filter; see P05`);
      return inconclusive({ seccompMode, filters }, evidence);
    }
    return measured({ seccompMode, filters }, evidence);
  },
};

export const p07NoNewPrivs: ProbeDefinition = {
  id: "P07-PROC-NO-NEW-PRIVS",
  title: "no_new_privs is set",
  async run(env) {
    const evidence: string[] = [];
    const status = await readStatus(env);
    const fromProc = "fields" in status ? parseIntStrict(status.fields.get("NoNewPrivs")) : null;
    evidence.push(`/proc/self/status NoNewPrivs: ${"errno" in status ? `unreadable (${status.errno})` : (fromProc ?? "absent")}`);
    // prctl is authoritative when the helper can answer: procfs may be virtualised (gVisor).
    const helper = await callHelper(env, [...HELPER_COMMANDS.nnp]);
    const line = helper.ok ? helper.lines.find((entry) => entry.call === "prctl_get_no_new_privs") : undefined;
    if (line !== undefined && line.errno === "none") {
      evidence.push(`prctl(PR_GET_NO_NEW_PRIVS) = ${line.ret}`);
      return measured({ noNewPrivs: line.ret }, evidence);
    }
    evidence.push(helper.ok ? `prctl(PR_GET_NO_NEW_PRIVS) unavailable (${line?.errno ?? "not reported"})` : helper.reason);
    if (fromProc === null) return inconclusive({}, evidence);
    return measured({ noNewPrivs: fromProc }, evidence);
  },
};

const CAP_FIELDS = [
  ["capInh", "CapInh"],
  ["capPrm", "CapPrm"],
  ["capEff", "CapEff"],
  ["capBnd", "CapBnd"],
  ["capAmb", "CapAmb"],
] as const;

export const p08CapsEmpty: ProbeDefinition = {
  id: "P08-PROC-CAPS-EMPTY",
  title: "Every capability set is empty",
  async run(env) {
    const status = await readStatus(env);
    if ("errno" in status) return inconclusive({}, [`/proc/self/status unreadable (${status.errno})`]);
    const actual: Record<string, string> = {};
    const missing: string[] = [];
    for (const [key, field] of CAP_FIELDS) {
      const value = status.fields.get(field);
      if (value === undefined || !/^[0-9a-f]+$/i.test(value)) missing.push(field);
      else actual[key] = value.toLowerCase();
    }
    if (missing.length > 0) return inconclusive(actual, [`/proc/self/status lacks ${missing.join(", ")}`]);
    return measured(actual, CAP_FIELDS.map(([key, field]) => `${field}: ${actual[key] ?? ""}`));
  },
};

export const p09IdsExact: ProbeDefinition = {
  id: "P09-IDS-EXACT",
  title: "uid, gid and the supplementary groups are exactly the expected ones, and root cannot be regained",
  async run(env) {
    const status = await readStatus(env);
    if ("errno" in status) return inconclusive({}, [`/proc/self/status unreadable (${status.errno})`]);
    const uids = parseIntList(status.fields.get("Uid"));
    const gids = parseIntList(status.fields.get("Gid"));
    const groups = parseIntList(status.fields.get("Groups") ?? "");
    if (uids === null || gids === null || groups === null || uids.length !== 4 || gids.length !== 4) {
      return inconclusive({}, ["/proc/self/status Uid/Gid/Groups unparseable"]);
    }
    const ids = env.ids();
    // The kernel's view and the process's own must agree; a mismatch is reported, never merged away.
    const processGroups = [...new Set(ids.groups)].sort((a, b) => a - b);
    const kernelGroups = [...new Set(groups)].sort((a, b) => a - b);
    let setuidErrno = "none";
    try {
      env.setuid(0);
    } catch (error) {
      setuidErrno = errnoOf(error);
    }
    const evidence = [
      `Uid (real, effective, saved, fs): ${uids.join(" ")}`,
      `Gid (real, effective, saved, fs): ${gids.join(" ")}`,
      `Groups: ${kernelGroups.length === 0 ? "(none)" : kernelGroups.join(" ")}`,
      `getgroups(): ${processGroups.join(" ") || "(none)"}`,
      `setuid(0): ${setuidErrno}`,
    ];
    const agree = ids.uid === uids[0] && ids.euid === uids[1] && ids.gid === gids[0] && ids.egid === gids[1] && processGroups.join() === kernelGroups.join();
    if (!agree) evidence.push("the process's own ids differ from /proc/self/status");
    return measured({ uids, gids, groups: kernelGroups, idsAgree: agree, setuidErrno }, evidence);
  },
};
