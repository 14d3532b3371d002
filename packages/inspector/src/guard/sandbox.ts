import { block, PASS, type GuardVerdict } from "./verdict.ts";
import type { GuardContext } from "./context.ts";

// Small readers of our own: @macro/probes measures the same properties for the attestation,
// but the guard must stay a few synchronous file reads with no dependency on the probe runner.

const decode = (bytes: Uint8Array): string => new TextDecoder("utf-8").decode(bytes);

/** mountinfo escapes blanks in paths as octal (`\040`). */
const unescapeMountPath = (field: string): string =>
  field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));

/**
 * The options of the topmost mount on `/`, or undefined when there is none. The last
 * entry wins because later mounts stack over earlier ones at the same point.
 */
export function rootMountOptions(mountinfo: string): { mount: string[]; superblock: string[] } | undefined {
  let found: { mount: string[]; superblock: string[] } | undefined;
  for (const line of mountinfo.split("\n")) {
    const fields = line.trim().split(" ");
    const separator = fields.indexOf("-");
    const mountPoint = fields[4];
    const mountOptions = fields[5];
    if (separator < 6 || mountPoint === undefined || mountOptions === undefined) continue;
    if (unescapeMountPath(mountPoint) !== "/") continue;
    found = { mount: mountOptions.split(","), superblock: (fields[separator + 3] ?? "").split(",") };
  }
  return found;
}

/** `Key:\tvalue` lines of /proc/self/status. */
export function parseStatus(status: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of status.split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return fields;
}

/** Interface names from /proc/net/dev (two header lines, then `name: counters`). */
export function interfacesFromProcNetDev(text: string): string[] {
  return text
    .split("\n")
    .slice(2)
    .map((line) => line.split(":")[0]?.trim() ?? "")
    .filter((name) => name !== "");
}

function checkRootReadOnly(ctx: GuardContext): GuardVerdict {
  let mountinfo: string;
  try {
    mountinfo = decode(ctx.readFile("/proc/self/mountinfo"));
  } catch {
    return block("L3_ROOT_WRITABLE", "cannot read /proc/self/mountinfo to confirm the root filesystem is read-only");
  }
  const root = rootMountOptions(mountinfo);
  if (root === undefined) return block("L3_ROOT_WRITABLE", "no mount for / in /proc/self/mountinfo");
  if (root.mount.includes("ro") || root.superblock.includes("ro")) return PASS;
  return block("L3_ROOT_WRITABLE", "the root filesystem is mounted read-write (expected --read-only)");
}

function listInterfaces(ctx: GuardContext): string[] | undefined {
  try {
    const names = ctx.readDir("/sys/class/net");
    if (names.length > 0) return names;
  } catch {
    // sysfs may be masked; /proc/net/dev shows the same namespace.
  }
  try {
    return interfacesFromProcNetDev(decode(ctx.readFile("/proc/net/dev")));
  } catch {
    return undefined;
  }
}

function checkLoopbackOnly(ctx: GuardContext): GuardVerdict {
  // Read from files only: os.networkInterfaces() would open a netlink socket.
  const names = listInterfaces(ctx);
  if (names === undefined || names.length === 0) {
    return block("L3_NETWORK", "cannot list network interfaces (/sys/class/net, /proc/net/dev) to confirm loopback only");
  }
  const others = names.filter((name) => name !== "lo").sort();
  if (others.length > 0) {
    return block("L3_NETWORK", `network interfaces other than lo are present: ${others.join(", ")} (expected --network none)`);
  }
  return PASS;
}

function checkNonRoot(ctx: GuardContext): GuardVerdict {
  if (ctx.getuid() === 0 || ctx.geteuid() === 0) {
    return block("L3_ROOT_USER", "running as uid 0 (expected a non-root --user)");
  }
  return PASS;
}

function checkStatus(ctx: GuardContext): GuardVerdict {
  let status: Map<string, string>;
  try {
    status = parseStatus(decode(ctx.readFile("/proc/self/status")));
  } catch {
    return block("L3_NO_NEW_PRIVS", "cannot read /proc/self/status to confirm no-new-privileges and seccomp");
  }
  const noNewPrivs = status.get("NoNewPrivs");
  if (noNewPrivs !== "1") {
    return block("L3_NO_NEW_PRIVS", `NoNewPrivs is ${noNewPrivs ?? "absent"} (expected 1: --security-opt no-new-privileges)`);
  }
  const seccomp = status.get("Seccomp");
  if (seccomp !== "2") {
    return block("L3_SECCOMP", `Seccomp is ${seccomp ?? "absent"} (expected 2: a seccomp filter is active)`);
  }
  return PASS;
}

/** L3, in a fixed order: root read-only, loopback only, non-root, no-new-privs, seccomp. */
export function checkSandbox(ctx: GuardContext): GuardVerdict {
  for (const check of [checkRootReadOnly, checkLoopbackOnly, checkNonRoot, checkStatus]) {
    const verdict = check(ctx);
    if (!verdict.ok) return verdict;
  }
  return PASS;
}
