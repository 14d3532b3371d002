/*
 * syscall-probe: issues the raw syscalls the in-sandbox probes need and prints one JSON
 * line per call: {"call":"keyctl","ret":-1,"errno":"EPERM"}. A call whose child was killed
 * adds "signal":"SIGSYS". Every call that could change state runs in a forked child, and
 * every argument is chosen so that the call is harmless even if the sandbox allows it
 * (bad magic, nonexistent paths, NULL buffers): a broken sandbox must never hurt the host.
 *
 * Commands: mount <dir-prefix> | unshare | sentinels | nnp
 *           | sweep <allowed,names> (every x86_64 syscall number 0..SWEEP_MAX not named: it
 *             must come back with the filter's errno; see sweep() for the arguments used)
 *           | nsflags (unshare and clone with each namespace flag)
 *           | families <allowed,numbers> (socket and socketpair for every other family)
 *           | batch <command> [-- <command>]... (several in one exec, each section opened
 *             by a {"section":"<name>"} line; the probes ask for all four at once)
 * mount tries a fresh <dir-prefix>/macro-mount-<pid> and falls back to <dir-prefix> itself.
 * Exit 0 when every requested call was attempted, 2 on usage errors (a batch checks every
 * section's usage before it runs any).
 * Needs glibc >= 2.32 (strerrorname_np, sigabbrev_np).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

#ifndef AF_ALG
#define AF_ALG 38
#endif
#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif
/* Syscall numbers missing from old headers; values are the generic ones (x86_64 and arm64 agree). */
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif

void emit(const char *call, long ret, int err, int sig) {
  char line[256];
  const char *name = err ? strerrorname_np(err) : "none";
  char fallback[16];
  if (name == NULL) { snprintf(fallback, sizeof fallback, "E%d", err); name = fallback; }
  int n;
  if (sig) {
    const char *abbrev = sigabbrev_np(sig);
    char sigbuf[24];
    if (abbrev) snprintf(sigbuf, sizeof sigbuf, "SIG%s", abbrev);
    else snprintf(sigbuf, sizeof sigbuf, "SIG%d", sig);
    n = snprintf(line, sizeof line, "{\"call\":\"%s\",\"ret\":%ld,\"errno\":\"%s\",\"signal\":\"%s\"}\n",
                 call, ret, "none", sigbuf);
  } else {
    n = snprintf(line, sizeof line, "{\"call\":\"%s\",\"ret\":%ld,\"errno\":\"%s\"}\n", call, ret, name);
  }
  /* write(2) directly: no stdio buffer may be duplicated into or lost by a forked child. */
  if (n > 0) { ssize_t w = write(1, line, (size_t)n); (void)w; }
}


/* Runs fn in a child; the child reports its own result, the parent reports only a death by signal. */
void in_child(const char *call, call_fn fn, const char *arg) {
  pid_t pid = fork();
  if (pid < 0) { emit("fork", -1, errno, 0); return; }
  if (pid == 0) {
    errno = 0;
    long ret = fn(arg);
    emit(call, ret < 0 ? -1 : ret, ret < 0 ? errno : 0, 0);
    _exit(0);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (WIFSIGNALED(status)) emit(call, -1, 0, WTERMSIG(status));
}

#define NOPATH "/nonexistent-macro-probe"

static long c_keyctl(const char *a) { (void)a; return syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0); }
static long c_add_key(const char *a) { (void)a; return syscall(SYS_add_key, NULL, NULL, NULL, 0, 0); }
static long c_request_key(const char *a) { (void)a; return syscall(SYS_request_key, NULL, NULL, NULL, 0); }
static long c_io_uring_setup(const char *a) { (void)a; return syscall(SYS_io_uring_setup, 1, NULL); }
static long c_perf_event_open(const char *a) { (void)a; return syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0); }
static long c_process_vm_readv(const char *a) { (void)a; return syscall(SYS_process_vm_readv, getpid(), NULL, 0, NULL, 0, 0); }
static long c_ptrace(const char *a) { (void)a; return syscall(SYS_ptrace, 3 /* PTRACE_PEEKUSER */, getpid(), 0, 0); }
static long c_bpf(const char *a) { (void)a; return syscall(SYS_bpf, 5 /* BPF_PROG_LOAD */, NULL, 0); }
static long c_init_module(const char *a) { (void)a; return syscall(SYS_init_module, NULL, 0, NULL); }
static long c_finit_module(const char *a) { (void)a; return syscall(SYS_finit_module, -1, "", 0); }
/* An unknown flag bit and too many segments: EINVAL if allowed; zero segments would unload a kernel. */
static long c_kexec_load(const char *a) { (void)a; return syscall(SYS_kexec_load, 0, 1000, NULL, 0x100); }
/* Bad magic: EINVAL if allowed, never a reboot. */
static long c_reboot(const char *a) { (void)a; return syscall(SYS_reboot, 0, 0, 0, NULL); }
static long c_swapon(const char *a) { (void)a; return syscall(SYS_swapon, NOPATH, 0); }
static long c_pivot_root(const char *a) { (void)a; return syscall(SYS_pivot_root, NOPATH "-a", NOPATH "-b"); }
static long c_chroot(const char *a) { (void)a; return syscall(SYS_chroot, NOPATH); }
static long c_open_by_handle_at(const char *a) { (void)a; return syscall(SYS_open_by_handle_at, -1, NULL, 0); }
static long c_userfaultfd(const char *a) { (void)a; return syscall(SYS_userfaultfd, 0x7fffffff); }
static long c_setns(const char *a) { (void)a; return syscall(SYS_setns, -1, 0); }
static long c_umount2(const char *a) { (void)a; return syscall(SYS_umount2, NOPATH, 0); }
static long c_socket_vsock(const char *a) { (void)a; return syscall(SYS_socket, AF_VSOCK, SOCK_STREAM, 0); }
static long c_socket_alg(const char *a) { (void)a; return syscall(SYS_socket, AF_ALG, SOCK_SEQPACKET, 0); }
/* size 0 is invalid: EINVAL if allowed; a compatible profile answers ENOSYS so glibc falls back to clone. */
static long c_clone3(const char *a) { (void)a; return syscall(SYS_clone3, NULL, 0); }

static long c_unshare_user(const char *a) { (void)a; return syscall(SYS_unshare, CLONE_NEWUSER); }
static long c_unshare_mount(const char *a) { (void)a; return syscall(SYS_unshare, CLONE_NEWNS); }

/* Mounts a 4k tmpfs on dir; if that worked the sandbox is broken, so undo it at once. */
static long c_mount(const char *dir) {
  long ret = syscall(SYS_mount, "none", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k");
  if (ret == 0) {
    int saved = errno;
    syscall(SYS_umount2, dir, MNT_DETACH);
    errno = saved;
  }
  return ret;
}

static const struct { const char *name; call_fn fn; } SENTINELS[] = {
  {"keyctl", c_keyctl}, {"add_key", c_add_key}, {"request_key", c_request_key},
  {"io_uring_setup", c_io_uring_setup}, {"perf_event_open", c_perf_event_open},
  {"process_vm_readv", c_process_vm_readv}, {"ptrace", c_ptrace}, {"bpf", c_bpf},
  {"init_module", c_init_module}, {"finit_module", c_finit_module}, {"kexec_load", c_kexec_load},
  {"reboot", c_reboot}, {"swapon", c_swapon}, {"pivot_root", c_pivot_root}, {"chroot", c_chroot},
  {"open_by_handle_at", c_open_by_handle_at}, {"userfaultfd", c_userfaultfd}, {"setns", c_setns},
  {"umount2", c_umount2}, {"socket_af_vsock", c_socket_vsock}, {"socket_af_alg", c_socket_alg},
  {"clone3", c_clone3},
};


static int usage_ok(int argc, char **argv) {
  if (argc < 1) return 0;
  const char *cmd = argv[0];
  if (strcmp(cmd, "sentinels") == 0 || strcmp(cmd, "unshare") == 0 || strcmp(cmd, "nnp") == 0 || strcmp(cmd, "nsflags") == 0) return argc == 1;
  if (strcmp(cmd, "sweep") == 0) return argc == 2 && csv_ok(argv[1], 0);
  if (strcmp(cmd, "families") == 0) return argc == 3 && csv_ok(argv[1], 1) && csv_ok(argv[2], 1);
  if (strcmp(cmd, "mount") == 0) return argc == 2 && strlen(argv[1]) < 150;
  return 0;
}

/* One command, argv[0] its name; its usage was checked by usage_ok. */
static void run_command(int argc, char **argv) {
  const char *cmd = argv[0];
  (void)argc;
  if (strcmp(cmd, "sentinels") == 0) {
    for (size_t i = 0; i < sizeof SENTINELS / sizeof SENTINELS[0]; i++) in_child(SENTINELS[i].name, SENTINELS[i].fn, NULL);
    return;
  }
  if (strcmp(cmd, "unshare") == 0) {
    in_child("unshare_user", c_unshare_user, NULL);
    in_child("unshare_mount", c_unshare_mount, NULL);
    return;
  }
  if (strcmp(cmd, "sweep") == 0) { sweep(argv[1]); return; }
  if (strcmp(cmd, "nsflags") == 0) { nsflags(); return; }
  if (strcmp(cmd, "families") == 0) { families(argv[1], argv[2]); return; }
  if (strcmp(cmd, "nnp") == 0) {
    errno = 0;
    long ret = syscall(SYS_prctl, PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    emit("prctl_get_no_new_privs", ret, ret < 0 ? errno : 0, 0);
    return;
  }
  /* mount: a fresh directory of our own so the mount can never shadow anything that exists. */
  char dir[200];
  snprintf(dir, sizeof dir, "%s/macro-mount-%ld", argv[1], (long)getpid());
  if (syscall(SYS_mkdir, dir, 0700) != 0) {
    /* The prefix is not ours to write (a root-owned tmpfs): mount over the prefix itself.
       The permission check comes before any path check, and a success is undone at once. */
    emit("mkdir", -1, errno, 0);
    in_child("mount", c_mount, argv[1]);
    return;
  }
  in_child("mount", c_mount, dir);
  syscall(SYS_rmdir, dir);
}

static void section(const char *name) {
  char line[64];
  int n = snprintf(line, sizeof line, "{\"section\":\"%s\"}\n", name);
  if (n > 0 && (size_t)n < sizeof line) { ssize_t w = write(1, line, (size_t)n); (void)w; }
}

int main(int argc, char **argv) {
  static const char USAGE[] = "usage: syscall-probe mount <dir-prefix> | unshare | sentinels | nnp | nsflags | sweep <names> | families <nums> <nums> | batch <command> [-- <command>]...\n";
  if (argc >= 2 && strcmp(argv[1], "batch") == 0) {
    /* Check every section first: a usage error must not leave half a batch run. */
    int start = 2;
    for (int i = 2; i <= argc; i++) {
      if (i == argc || strcmp(argv[i], "--") == 0) {
        if (!usage_ok(i - start, argv + start)) { fputs(USAGE, stderr); return 2; }
        start = i + 1;
      }
    }
    start = 2;
    for (int i = 2; i <= argc; i++) {
      if (i == argc || strcmp(argv[i], "--") == 0) {
        section(argv[start]);
        run_command(i - start, argv + start);
        start = i + 1;
      }
    }
    return 0;
  }
  if (argc < 2 || !usage_ok(argc - 1, argv + 1)) {
    fputs(argc >= 2 && strcmp(argv[1], "mount") == 0 && argc == 3 ? "syscall-probe: dir prefix too long\n" : USAGE, stderr);
    return 2;
  }
  run_command(argc - 1, argv + 1);
  return 0;
}
