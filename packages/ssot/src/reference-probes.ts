import type { ProbeExpectation } from "./ssot.ts";

/**
 * The reference probe expectations of the deny-by-default sandbox: the floor an SSOT may only
 * tighten (issue 12). Equal to what the repository's macro.yaml declares under
 * `sandbox.probes` (ssot.test.ts holds them equal). Every surface list is an exact set
 * (`$set`): an SSOT that adds an element to a set, drops a probe or swaps an exact value for
 * a looser operator is weaker than this.
 */
export const REFERENCE_PROBES: readonly ProbeExpectation[] = [
  {
    "id": "P01-FS-ROOT-RO",
    "title": "Root filesystem is mounted read-only",
    "expected": {
      "rootMountReadOnly": true,
      "writeErrno": "EROFS"
    }
  },
  {
    "id": "P02-FS-PROC-MASKED",
    "title": "Sensitive /proc and /sys paths are masked or read-only",
    "expected": {
      "sysrqWritable": false,
      "kcoreReadable": false,
      "procSysReadOnly": true
    }
  },
  {
    "id": "P03-SYS-MOUNT-DENIED",
    "title": "mount(2) is denied",
    "expected": {
      "mountErrno": "EPERM"
    }
  },
  {
    "id": "P04-SYS-USERNS-DENIED",
    "title": "New user and mount namespaces cannot be created",
    "expected": {
      "unshareUserErrno": {
        "$oneOf": [
          "EPERM",
          "ENOSPC"
        ]
      },
      "unshareMountErrno": "EPERM"
    }
  },
  {
    "id": "P05-SYS-SECCOMP-SWEEP",
    "title": "Every syscall outside the profile's allowlist is denied with its errno, as are namespace flags and other socket families",
    "expected": {
      "arch": "x86_64",
      "swept": "0-511",
      "deniedErrno": "EPERM",
      "allowlist": {
        "$set": [
          "accept4",
          "access",
          "arch_prctl",
          "bind",
          "brk",
          "capget",
          "capset",
          "chdir",
          "chmod",
          "clock_getres",
          "clock_gettime",
          "clock_nanosleep",
          "close",
          "connect",
          "copy_file_range",
          "dup",
          "dup2",
          "dup3",
          "epoll_create1",
          "epoll_ctl",
          "epoll_pwait",
          "eventfd2",
          "execve",
          "exit",
          "exit_group",
          "faccessat2",
          "fchmod",
          "fchown",
          "fcntl",
          "fstat",
          "fstatfs",
          "fsync",
          "ftruncate",
          "futex",
          "getcwd",
          "getdents64",
          "getegid",
          "geteuid",
          "getgid",
          "getgroups",
          "getpid",
          "getppid",
          "getrandom",
          "getrusage",
          "getsockname",
          "getsockopt",
          "gettid",
          "gettimeofday",
          "getuid",
          "ioctl",
          "kill",
          "listen",
          "lseek",
          "madvise",
          "mkdir",
          "mmap",
          "mprotect",
          "munmap",
          "nanosleep",
          "newfstatat",
          "openat",
          "pipe2",
          "pkey_alloc",
          "poll",
          "ppoll",
          "prctl",
          "pread64",
          "prlimit64",
          "read",
          "readlink",
          "rename",
          "restart_syscall",
          "rmdir",
          "rseq",
          "rt_sigaction",
          "rt_sigprocmask",
          "rt_sigreturn",
          "sched_getaffinity",
          "sched_yield",
          "set_robust_list",
          "set_tid_address",
          "setgid",
          "setgroups",
          "setsockopt",
          "setuid",
          "shutdown",
          "sigaltstack",
          "statx",
          "sysinfo",
          "tgkill",
          "umask",
          "uname",
          "unlink",
          "wait4",
          "write"
        ]
      },
      "errnoExceptions": {
        "clone3": "ENOSYS"
      },
      "kernelPassthrough": [
        "uretprobe",
        "uprobe"
      ],
      "killed": {
        "$set": []
      },
      "skipped": {
        "$set": []
      },
      "namespaceFlagsNotDenied": {
        "$set": []
      },
      "socketFamilies": {
        "$set": [
          1,
          2,
          10
        ]
      },
      "socketpairFamilies": {
        "$set": [
          1
        ]
      }
    }
  },
  {
    "id": "P06-PROC-SECCOMP-FILTER",
    "title": "A seccomp filter is active",
    "expected": {
      "seccompMode": 2,
      "filters": {
        "$gte": 1
      }
    }
  },
  {
    "id": "P07-PROC-NO-NEW-PRIVS",
    "title": "no_new_privs is set",
    "expected": {
      "noNewPrivs": 1
    }
  },
  {
    "id": "P08-PROC-CAPS-EMPTY",
    "title": "Every capability set is empty",
    "expected": {
      "capInh": "0000000000000000",
      "capPrm": "0000000000000000",
      "capEff": "0000000000000000",
      "capBnd": "0000000000000000",
      "capAmb": "0000000000000000"
    }
  },
  {
    "id": "P09-IDS-EXACT",
    "title": "uid, gid and supplementary groups are exactly 65534, and root cannot be regained",
    "expected": {
      "uids": [
        65534,
        65534,
        65534,
        65534
      ],
      "gids": [
        65534,
        65534,
        65534,
        65534
      ],
      "groups": {
        "$set": [
          65534
        ]
      },
      "idsAgree": true,
      "setuidErrno": "EPERM"
    }
  },
  {
    "id": "P10-NS-PRIVATE",
    "title": "PID, IPC, UTS and cgroup namespaces are private, with nothing foreign in them",
    "expected": {
      "pidNsIsHost": false,
      "ipcNsIsHost": false,
      "utsNsIsHost": false,
      "cgroupNsIsHost": false,
      "foreignProcesses": {
        "$set": []
      },
      "sysvIpcObjects": {
        "$set": []
      },
      "mqueues": {
        "$set": []
      },
      "cgroupPaths": [
        "/"
      ]
    }
  },
  {
    "id": "P11-NET-TOPOLOGY-LO-ONLY",
    "title": "Only the loopback interface exists, with no routes off it",
    "expected": {
      "interfaces": [
        "lo"
      ],
      "ipv4Routes": 0,
      "nonLoIpv6Routes": 0
    }
  },
  {
    "id": "P12-NET-EGRESS-UNREACHABLE",
    "title": "Egress is unreachable",
    "expected": {
      "connectErrno": {
        "$oneOf": [
          "ENETUNREACH",
          "EPERM",
          "EACCES"
        ]
      }
    }
  },
  {
    "id": "P13-MOUNTS-EXACT",
    "title": "The mount table is exactly the expected one, each mount with its flags, no host bind",
    "expected": {
      "mounts": {
        "$set": [
          "/ overlay ro",
          "/proc proc rw,nosuid,nodev,noexec",
          "/dev tmpfs(size=65536k) rw,nosuid",
          "/dev/pts devpts rw,nosuid,noexec",
          "/sys sysfs ro,nosuid,nodev,noexec",
          "/sys/fs/cgroup tmpfs rw,nosuid,nodev,noexec",
          "/sys/fs/cgroup/cpu cgroup ro,nosuid,nodev,noexec",
          "/sys/fs/cgroup/cpuacct cgroup ro,nosuid,nodev,noexec",
          "/sys/fs/cgroup/cpuset cgroup ro,nosuid,nodev,noexec",
          "/sys/fs/cgroup/memory cgroup ro,nosuid,nodev,noexec",
          "/sys/fs/cgroup/devices cgroup ro,nosuid,nodev,noexec",
          "/sys/fs/cgroup/freezer cgroup ro,nosuid,nodev,noexec",
          "/sys/fs/cgroup/blkio cgroup ro,nosuid,nodev,noexec",
          "/sys/fs/cgroup/pids cgroup ro,nosuid,nodev,noexec",
          "/sys/fs/cgroup/systemd cgroup ro,nosuid,nodev,noexec",
          "/dev/mqueue mqueue rw,nosuid,nodev,noexec",
          "/dev/shm tmpfs(size=65536k) rw,nosuid,nodev,noexec",
          "/tmp tmpfs(size=16384k) rw,nosuid,nodev,noexec",
          "/proc/bus proc:/bus ro,nosuid,nodev,noexec",
          "/proc/fs proc:/fs ro,nosuid,nodev,noexec",
          "/proc/irq proc:/irq ro,nosuid,nodev,noexec",
          "/proc/sys proc:/sys ro,nosuid,nodev,noexec",
          "/proc/acpi tmpfs ro",
          "/proc/keys tmpfs:/null rw,nosuid",
          "/proc/timer_list tmpfs:/null rw,nosuid",
          "/sys/firmware tmpfs ro"
        ]
      },
      "optionalMounts": [
        "/etc/hostname bind:/var/lib/docker/containers/<id>/hostname ro",
        "/etc/hosts bind:/var/lib/docker/containers/<id>/hosts ro",
        "/etc/resolv.conf bind:/var/lib/docker/containers/<id>/resolv.conf ro"
      ]
    }
  },
  {
    "id": "P14-ENV-EXACT",
    "title": "The environment holds exactly the expected keys and no credential-like value",
    "expected": {
      "envKeys": {
        "$set": [
          "HOME",
          "HOSTNAME",
          "PATH"
        ]
      },
      "credentials": {
        "$set": []
      },
      "secretFiles": {
        "$set": []
      }
    }
  },
  {
    "id": "P15-KEYRING-EMPTY",
    "title": "The kernel keyring holds no keys",
    "expected": {
      "keys": {
        "$empty": true
      }
    }
  },
  {
    "id": "P16-CGROUP-LIMITS",
    "title": "PID and memory limits are enforced by the cgroup",
    "expected": {
      "pidsLimited": true,
      "memoryLimited": true,
      "pidsMax": {
        "$lte": 64
      },
      "memoryMaxBytes": {
        "$lte": 268435456
      }
    }
  },
  {
    "id": "P17-MOUNTS-NOEXEC",
    "title": "Nothing written to a writable mount can be executed",
    "expected": {
      "writableMounts": {
        "$set": [
          "/dev/shm",
          "/tmp"
        ]
      },
      "executableMounts": {
        "$set": []
      }
    }
  },
  {
    "id": "P18-SOCKETS-NONE",
    "title": "No socket file is reachable in the visible tree, none is bound in this network namespace",
    "expected": {
      "sockets": {
        "$set": []
      },
      "unreadableDirs": {
        "$set": []
      },
      "boundUnixPaths": {
        "$set": []
      }
    }
  },
  {
    "id": "P19-DEV-EXACT",
    "title": "/dev holds exactly the expected nodes, the device cgroup exactly the expected rules",
    "expected": {
      "devNodes": {
        "$set": [
          "/dev/fd l -> /proc/self/fd",
          "/dev/full c 1:7 0666",
          "/dev/mqueue d",
          "/dev/null c 1:3 0666",
          "/dev/ptmx l -> pts/ptmx",
          "/dev/pts d",
          "/dev/pts/ptmx c 5:2 0666",
          "/dev/random c 1:8 0666",
          "/dev/shm d",
          "/dev/stderr l -> /proc/self/fd/2",
          "/dev/stdin l -> /proc/self/fd/0",
          "/dev/stdout l -> /proc/self/fd/1",
          "/dev/tty c 5:0 0666",
          "/dev/urandom c 1:9 0666",
          "/dev/zero c 1:5 0666"
        ]
      },
      "deviceCgroup": {
        "$oneOf": [
          "unavailable",
          [
            "b *:* m",
            "c *:* m",
            "c 10:200 rwm",
            "c 136:* rwm",
            "c 1:3 rwm",
            "c 1:5 rwm",
            "c 1:7 rwm",
            "c 1:8 rwm",
            "c 1:9 rwm",
            "c 5:0 rwm",
            "c 5:1 rwm",
            "c 5:2 rwm"
          ]
        ]
      }
    }
  }
];
