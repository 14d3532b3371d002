import { errnoOf, tryRead, type ProbeEnv } from "./env.ts";
import { mountFor, parseMountinfo, type MountEntry } from "./parse.ts";
import { inconclusive, measured, type ProbeDefinition } from "./probe.ts";

export async function readMounts(env: ProbeEnv): Promise<{ mounts: MountEntry[] } | { errno: string }> {
  const read = await tryRead(env, "/proc/self/mountinfo");
  if ("errno" in read) return read;
  return { mounts: parseMountinfo(read.text) };
}

export const p01RootReadOnly: ProbeDefinition = {
  id: "P01-FS-ROOT-RO",
  title: "Root filesystem is read-only",
  async run(env) {
    const read = await readMounts(env);
    if ("errno" in read) return inconclusive({}, [`/proc/self/mountinfo unreadable (${read.errno})`]);
    // Mounts can be stacked on /; the last entry is the one on top, the one we actually see.
    const root = read.mounts.filter((entry) => entry.mountPoint === "/").at(-1);
    if (root === undefined) return inconclusive({}, ["/proc/self/mountinfo has no entry for /"]);
    const evidence = [`mountinfo /: ${root.fsType} ${root.readOnly ? "ro" : "rw"}`];
    const target = `/.macro-attest-${env.nonce()}`;
    let writeErrno = "none";
    try {
      await env.openForWrite(target, true);
      // The sandbox let us create a file on /: remove it so the probe leaves nothing behind.
      try {
        await env.unlink(target);
        evidence.push(`open(${target}, wx) succeeded; file removed`);
      } catch (error) {
        evidence.push(`open(${target}, wx) succeeded; removing it failed (${errnoOf(error)})`);
      }
    } catch (error) {
      writeErrno = errnoOf(error);
      evidence.push(`open(${target}, wx) failed: ${writeErrno}`);
    }
    return measured({ rootMountReadOnly: root.readOnly, writeErrno }, evidence);
  },
};

export const p02ProcMasked: ProbeDefinition = {
  id: "P02-FS-PROC-MASKED",
  title: "Sensitive /proc paths are masked or read-only",
  async run(env) {
    const read = await readMounts(env);
    if ("errno" in read) return inconclusive({}, [`/proc/self/mountinfo unreadable (${read.errno})`]);
    const evidence: string[] = [];
    let sysrqWritable = false;
    try {
      // Open only: a single byte written here could reboot or crash the host.
      await env.openForWrite("/proc/sysrq-trigger", false);
      sysrqWritable = true;
      evidence.push("/proc/sysrq-trigger opened for write (nothing written)");
    } catch (error) {
      evidence.push(`/proc/sysrq-trigger open for write: ${errnoOf(error)}`);
    }
    let kcoreReadable = false;
    try {
      const bytes = await env.readHead("/proc/kcore", 1);
      kcoreReadable = bytes > 0;
      evidence.push(`/proc/kcore yielded ${bytes} byte(s)`);
    } catch (error) {
      evidence.push(`/proc/kcore read: ${errnoOf(error)}`);
    }
    const procSys = mountFor(read.mounts, "/proc/sys");
    const procSysReadOnly = procSys?.readOnly ?? false;
    evidence.push(
      procSys === undefined
        ? "no mount covers /proc/sys"
        : `/proc/sys served by ${procSys.mountPoint} (${procSys.fsType}) ${procSys.readOnly ? "ro" : "rw"}`,
    );
    return measured({ sysrqWritable, kcoreReadable, procSysReadOnly }, evidence);
  },
};
