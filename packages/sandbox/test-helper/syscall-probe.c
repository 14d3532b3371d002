/*
 * Test helper for @macro/sandbox: issues each dangerous syscall through syscall(2) with
 * arguments that are harmless even if the call were allowed (NULL pointers, bad fds,
 * invalid flags or magic numbers), and prints one JSON object: syscall -> errno name,
 * or "OK" when the call succeeded. Arguments are chosen so an ALLOWED call usually answers
 * with a different errno (EFAULT, EBADF, EINVAL, ESRCH) than a seccomp denial (EPERM).
 * The real probe helper lives in packages/probes; this one only proves the profile.
 * Build: gcc -static -O2 -o syscall-probe syscall-probe.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int first = 1;

static void report(const char *name, long ret) {
  int e = errno;
  printf("%s\"%s\":\"%s\"", first ? "{" : ",", name, ret < 0 ? strerrorname_np(e) : "OK");
  first = 0;
}

#define CALL(name, ...) do { errno = 0; long r_ = syscall(__VA_ARGS__); report(name, r_); } while (0)

static void sock(const char *name, int family, int type) {
  errno = 0;
  long fd = syscall(SYS_socket, family, type, 0);
  report(name, fd);
  if (fd >= 0) close((int)fd);
}

int main(void) {
  pid_t self = getpid();
  CALL("getpid", SYS_getpid);
  CALL("mount", SYS_mount, NULL, NULL, NULL, 0, NULL);
  CALL("umount2", SYS_umount2, NULL, 0xFFFFFFFF);
  CALL("unshare", SYS_unshare, 0);
  CALL("setns", SYS_setns, -1, 0);
  CALL("ptrace", SYS_ptrace, 3 /* PTRACE_PEEKUSER */, self, 0, 0);
  CALL("process_vm_readv", SYS_process_vm_readv, self, NULL, 0, NULL, 0, 0);
  CALL("process_vm_writev", SYS_process_vm_writev, self, NULL, 0, NULL, 0, 0);
  CALL("keyctl", SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0 /* don't create */);
  CALL("add_key", SYS_add_key, NULL, NULL, NULL, 0, 0);
  CALL("request_key", SYS_request_key, NULL, NULL, NULL, 0);
  CALL("bpf", SYS_bpf, 0x7fffffff, NULL, 0);
  CALL("perf_event_open", SYS_perf_event_open, NULL, 0, -1, -1, 0);
  CALL("io_uring_setup", SYS_io_uring_setup, 1, NULL);
  CALL("io_uring_enter", SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0);
  CALL("io_uring_register", SYS_io_uring_register, -1, 0, NULL, 0);
  CALL("init_module", SYS_init_module, NULL, 0, NULL);
  CALL("finit_module", SYS_finit_module, -1, NULL, 0);
  CALL("kexec_load", SYS_kexec_load, 0, 0, NULL, 0xFFFF0000);
  CALL("reboot", SYS_reboot, 0, 0, 0, NULL);
  CALL("swapon", SYS_swapon, NULL, 0);
  CALL("pivot_root", SYS_pivot_root, NULL, NULL);
  CALL("chroot", SYS_chroot, NULL);
  CALL("open_by_handle_at", SYS_open_by_handle_at, -1, NULL, 0);
  CALL("userfaultfd", SYS_userfaultfd, 0xFFFFFFFF);
  CALL("clone3", SYS_clone3, NULL, 0);
  {
    /* A namespace-creating clone: if it were allowed, the child exits at once. */
    errno = 0;
    long r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
    if (r == 0) _exit(0);
    if (r > 0) waitpid((pid_t)r, NULL, 0);
    report("clone_newuser", r);
  }
  sock("socket_af_vsock", 40, SOCK_STREAM);
  sock("socket_af_alg", 38, SOCK_SEQPACKET);
  sock("socket_af_netlink", 16, SOCK_RAW);
  sock("socket_af_unix", 1, SOCK_STREAM);
  printf("}\n");
  return 0;
}
