#!/usr/bin/env node
// Derive the deny-by-default seccomp allowlist from what THIS Node.js binary really calls.
//
//   node packages/sandbox/scripts/derive-seccomp.mjs [out.json]   (default: ../seccomp-deny-by-default.json)
//
// It straces (strace -f) `node -e 0` and a workload that does what the probes and the
// inspector do (fs in a scratch dir, JSON, hashing, streams, execFileSync of a static helper,
// a loopback-only TCP and unix-socket round trip), adds a short documented baseline, and
// writes the profile with sorted names so a re-run on the same binary is byte-identical.
// Network: the workload only ever talks to 127.0.0.1 and a unix socket in its scratch dir.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outPath = resolve(process.argv[2] ?? join(here, "..", "seccomp-deny-by-default.json"));

// Never allowed, whatever a trace shows (keep in sync with DANGEROUS_SYSCALLS in src/seccomp.ts;
// the package's tests check the written profile against that list).
const DANGEROUS = [
  "mount", "umount2", "unshare", "setns", "ptrace", "process_vm_readv", "process_vm_writev",
  "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "io_uring_setup", "io_uring_enter",
  "io_uring_register", "init_module", "finit_module", "kexec_load", "reboot", "swapon", "pivot_root",
  "chroot", "open_by_handle_at", "userfaultfd",
];

// Handled by conditional rules below, never by the plain allowlist.
const CONDITIONAL = new Set(["clone", "clone3", "socket", "socketpair"]);

// Calls a trace on one machine can miss but a Node process or the static helper makes on
// some path: signal return and restart (any signal handler), thread/child exit, sleeping and
// clocks without vDSO, killing a timed-out child (execFileSync timeout), seeking, polling.
const BASELINE = [
  "clock_getres", "clock_gettime", "clock_nanosleep", "dup", "dup3", "exit", "exit_group",
  "getppid", "getrusage", "gettimeofday", "kill", "lseek", "nanosleep", "poll", "ppoll",
  "restart_syscall", "rt_sigreturn", "sched_yield", "sigaltstack", "tgkill", "wait4",
];

// Calls the container runtime's init (runc) makes AFTER it installed the filter and before
// execve(node): the filter covers them too, or the container never starts. Found by running
// the image under this profile with defaultAction SCMP_ACT_LOG and reading the kernel's
// audit lines (dmesg: type=1326 comm="runc:[2:INIT]"); see README "Re-deriving".
// fstatfs: always (runc checks /proc/self/fd is procfs). The rest only when no-new-privileges
// is off, because runc then installs the filter before it drops privileges; all of them can
// only lower privileges without capabilities, and Docker's default profile allows them.
const RUNTIME = ["capset", "chdir", "faccessat2", "fchown", "fstatfs", "setgid", "setgroups", "setuid"];

const ARCH = { x64: "SCMP_ARCH_X86_64", arm64: "SCMP_ARCH_AARCH64" }[process.arch];
if (ARCH === undefined) throw new Error(`unsupported architecture ${process.arch}`);

const HELPER_C = String.raw`
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
/* What a probe helper does besides the denied calls: fork a child, make and remove a
   scratch dir, read no-new-privs, print JSON, wait. */
int main(void) {
  char dir[] = "/tmp/derive-XXXXXX";
  int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
  pid_t pid = fork();
  if (pid == 0) { if (mkdtemp(dir) != NULL) rmdir(dir); _exit(0); }
  int status = 0;
  waitpid(pid, &status, 0);
  printf("{\"pid\":%d,\"nnp\":%d,\"child\":%d}\n", (int)getpid(), nnp, WEXITSTATUS(status));
  return 0;
}
`;

const WORKLOAD_JS = String.raw`
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as net from "node:net";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pipeline } from "node:stream/promises";
const [scratch, helper] = process.argv.slice(2);
// fs: the inspector reads a packet and writes reports into --out
const dir = join(scratch, "out");
fs.mkdirSync(dir, { recursive: true });
const nd = join(dir, "data.ndjson");
fs.writeFileSync(nd, Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: i, t: "x".repeat(i) })).join("\n"));
let n = 0;
for await (const line of createInterface({ input: fs.createReadStream(nd) })) { JSON.parse(line); n++; }
await pipeline(fs.createReadStream(nd), createHash("sha256"));
const h = createHash("sha256").update(fs.readFileSync(nd)).digest("hex");
const tmp = join(dir, "report.json.tmp");
const fh = await fsp.open(tmp, "w");
await fh.writeFile(JSON.stringify({ n, h }));
await fh.sync();
await fh.close();
fs.renameSync(tmp, join(dir, "report.json"));
fs.readdirSync(dir, { withFileTypes: true }).forEach((e) => fs.lstatSync(join(dir, e.name)));
fs.realpathSync(dir);
try { fs.readlinkSync(nd); } catch {}
fs.readFileSync("/proc/self/status", "utf8");
fs.readFileSync("/proc/self/mountinfo", "utf8");
fs.readdirSync("/sys/class/net");
fs.appendFileSync(join(dir, "log.txt"), "a\n");
fs.copyFileSync(nd, join(dir, "copy.ndjson"));
fs.chmodSync(join(dir, "copy.ndjson"), 0o600);
fs.unlinkSync(join(dir, "copy.ndjson"));
process.getuid(); process.getgid(); process.getgroups(); process.umask();
// the static helper, as the probes run it
JSON.parse(execFileSync(helper, [], { encoding: "utf8", timeout: 10000 }));
// loopback-only TCP and a unix socket in the scratch dir: never any other address
for (const listenArgs of [[0, "127.0.0.1"], [join(scratch, "s.sock")]]) {
  const server = net.createServer((s) => s.end("pong\n"));
  server.listen(...listenArgs);
  await once(server, "listening");
  const addr = server.address();
  const sock = typeof addr === "string" ? net.connect(addr) : net.connect(addr.port, "127.0.0.1");
  sock.setNoDelay(true);
  let got = "";
  sock.on("data", (d) => { got += d; });
  await once(sock, "close");
  server.close();
  if (got !== "pong\n") throw new Error("loopback round trip failed");
}
await new Promise((r) => setTimeout(r, 5));
process.stdout.write(JSON.stringify({ ok: true, n }) + "\n");
`;

const scratch = mkdtempSync(join(tmpdir(), "macro-derive-seccomp-"));
try {
  writeFileSync(join(scratch, "helper.c"), HELPER_C);
  execFileSync("gcc", ["-static", "-O2", "-o", join(scratch, "helper"), join(scratch, "helper.c")]);
  writeFileSync(join(scratch, "workload.mjs"), WORKLOAD_JS);

  const observed = new Set();
  const runs = [
    ["-e", "0"],
    [join(scratch, "workload.mjs"), scratch, join(scratch, "helper")],
  ];
  for (const [i, args] of runs.entries()) {
    const trace = join(scratch, `trace-${i}.txt`);
    const r = spawnSync("strace", ["-f", "-qq", "-o", trace, process.execPath, ...args], { cwd: scratch, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`traced run ${i} failed (${r.status}): ${r.stderr}`);
    for (const line of readFileSync(trace, "utf8").split("\n")) {
      const m = /^\d+\s+([a-z0-9_]+)\(/.exec(line);
      if (m) observed.add(m[1]);
    }
  }

  const dropped = [...observed].filter((s) => DANGEROUS.includes(s)).sort();
  const allow = [...new Set([...observed, ...BASELINE, ...RUNTIME])]
    .filter((s) => !CONDITIONAL.has(s) && !DANGEROUS.includes(s))
    .sort();

  // Namespace-creating clone flags (CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET),
  // the same mask Docker's default profile uses without CAP_SYS_ADMIN.
  const CLONE_NS_MASK = 2114060288;
  const profile = {
    defaultAction: "SCMP_ACT_ERRNO",
    defaultErrnoRet: 1,
    architectures: [ARCH],
    syscalls: [
      { names: allow, action: "SCMP_ACT_ALLOW" },
      { names: ["clone"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: CLONE_NS_MASK, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ" }] },
      // ENOSYS, not EPERM: glibc falls back to clone() only on ENOSYS; anything else breaks threads.
      { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38 },
      ...[1, 2, 10].map((family) => ({
        names: ["socket"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: family, valueTwo: 0, op: "SCMP_CMP_EQ" }],
      })),
      { names: ["socketpair"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 1, valueTwo: 0, op: "SCMP_CMP_EQ" }] },
    ],
  };
  writeFileSync(outPath, JSON.stringify(profile, null, 2) + "\n");
  process.stderr.write(
    `derive-seccomp: node ${process.version} (${process.arch}): ${observed.size} observed, ${allow.length} allowed unconditionally` +
      (dropped.length > 0 ? `; observed but denied anyway: ${dropped.join(", ")}` : "") +
      `\nwrote ${outPath}\n`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
