import type { RunFlags } from "@macro/ssot";

/**
 * The strict run flags DESIGN §5 describes, for tests and the bench. The SSOT's
 * `sandbox.runFlags` is what a real run uses; this is only its reference shape.
 */
export const REFERENCE_STRICT_RUN_FLAGS: RunFlags = {
  rm: true,
  network: "none",
  readOnly: true,
  capDrop: ["ALL"],
  capAdd: [],
  noNewPrivileges: true,
  seccomp: "seccomp-deny-by-default.json",
  user: "65534:65534",
  pidsLimit: 64,
  memory: "512m",
  tmpfs: "/tmp:rw,noexec,nosuid,nodev,size=64m",
  env: {},
  mounts: [],
};
