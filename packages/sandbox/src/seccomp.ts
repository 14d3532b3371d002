import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import * as z from "zod";
import type { Result } from "@macro/ssot";
import { InputError, err, ok } from "@macro/ssot";

/** Never in the allowlist: each one is a known escape or kernel-attack primitive. */
export const DANGEROUS_SYSCALLS = [
  "mount", "umount2", "unshare", "setns", "ptrace", "process_vm_readv", "process_vm_writev",
  "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "io_uring_setup", "io_uring_enter",
  "io_uring_register", "init_module", "finit_module", "kexec_load", "reboot", "swapon", "pivot_root",
  "chroot", "open_by_handle_at", "userfaultfd",
] as const;

/** Socket families the profile lets through: AF_UNIX, AF_INET, AF_INET6. */
export const ALLOWED_SOCKET_FAMILIES = [1, 2, 10] as const;
export const ENOSYS = 38;
/** Namespace-creating clone flags; Docker's default profile uses the same mask. */
export const CLONE_NAMESPACE_MASK = 2114060288;

const Action = z.enum([
  "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
  "SCMP_ACT_TRAP", "SCMP_ACT_TRACE", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
]);

const Arg = z.object({
  index: z.number().int().min(0).max(5),
  value: z.number().int().nonnegative(),
  valueTwo: z.number().int().nonnegative().default(0),
  op: z.enum(["SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"]),
});

const Rule = z.object({
  names: z.array(z.string().min(1)).min(1),
  action: Action,
  errnoRet: z.number().int().nonnegative().optional(),
  args: z.array(Arg).nullish(),
});

/** The OCI / Docker seccomp profile format, as much of it as the sandbox uses. */
export const SeccompProfile = z.object({
  defaultAction: Action,
  defaultErrnoRet: z.number().int().nonnegative().optional(),
  architectures: z.array(z.string().regex(/^SCMP_ARCH_[A-Z0-9_]+$/)).min(1),
  syscalls: z.array(Rule),
});
export type SeccompProfile = z.infer<typeof SeccompProfile>;

export interface LoadedSeccompProfile {
  path: string;
  profile: SeccompProfile;
  /** Over the raw file bytes, as the evidence binds it. */
  sha256: string;
  bytes: number;
}

export async function loadSeccompProfile(path: string): Promise<Result<LoadedSeccompProfile, InputError>> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (cause) {
    return err(new InputError("SECCOMP_UNREADABLE", `cannot read seccomp profile ${path}`, { file: path, cause }));
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch (cause) {
    return err(new InputError("SECCOMP_INVALID", `seccomp profile ${path} is not JSON`, { file: path, cause }));
  }
  const parsed = SeccompProfile.safeParse(json);
  if (!parsed.success) {
    return err(new InputError("SECCOMP_INVALID", `seccomp profile ${path}: ${z.prettifyError(parsed.error)}`, { file: path }));
  }
  return ok({ path, profile: parsed.data, sha256: createHash("sha256").update(raw).digest("hex"), bytes: raw.length });
}

/**
 * Why a profile is not deny-by-default in the sense B4′ needs; empty when it is. Checked
 * on the parsed rules, so a verifier can apply it to any profile it is handed.
 */
export function seccompProblems(profile: SeccompProfile): string[] {
  const problems: string[] = [];
  if (profile.defaultAction !== "SCMP_ACT_ERRNO") problems.push(`defaultAction is ${profile.defaultAction}, not SCMP_ACT_ERRNO`);
  const kills = profile.syscalls.filter((r) => r.action.startsWith("SCMP_ACT_KILL")).flatMap((r) => r.names);
  if (profile.defaultAction.startsWith("SCMP_ACT_KILL") || kills.length > 0) {
    problems.push(`KILL actions kill Node instead of letting it fall back: ${kills.join(", ") || "defaultAction"}`);
  }
  const allowRules = profile.syscalls.filter((r) => r.action === "SCMP_ACT_ALLOW");
  const allowed = new Set(allowRules.flatMap((r) => r.names));
  for (const name of DANGEROUS_SYSCALLS) if (allowed.has(name)) problems.push(`dangerous syscall ${name} is allowed`);

  const clone3 = profile.syscalls.filter((r) => r.names.includes("clone3"));
  if (!clone3.some((r) => r.action === "SCMP_ACT_ERRNO" && r.errnoRet === ENOSYS) || allowed.has("clone3")) {
    problems.push("clone3 must return ENOSYS (38) so glibc falls back to clone");
  }
  for (const r of allowRules.filter((x) => x.names.includes("clone"))) {
    const masked = (r.args ?? []).some((a) => a.index === 0 && a.op === "SCMP_CMP_MASKED_EQ" && a.value === CLONE_NAMESPACE_MASK && a.valueTwo === 0);
    if (!masked) problems.push("clone is allowed without masking out namespace flags");
  }
  for (const r of allowRules.filter((x) => x.names.includes("socket") || x.names.includes("socketpair"))) {
    const family = (r.args ?? []).find((a) => a.index === 0 && a.op === "SCMP_CMP_EQ");
    if (family === undefined || !(ALLOWED_SOCKET_FAMILIES as readonly number[]).includes(family.value)) {
      problems.push(`socket allowed for a family other than AF_UNIX/AF_INET/AF_INET6 (${family?.value ?? "any"})`);
    }
  }
  return problems;
}
