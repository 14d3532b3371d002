import { resolve } from "node:path";
import { InputError } from "@macro/ssot";
import type { RunArgsInput } from "./run-args.ts";
import { mergeMounts, SANDBOX_LABEL } from "./run-args.ts";
import { ownerLabels } from "./owner.ts";

/** The subset of the Engine API's container-create body the sandbox sets. */
export interface CreateBody {
  Image: string;
  Cmd: string[];
  User: string;
  WorkingDir?: string;
  Env: string[];
  Labels: Record<string, string>;
  NetworkDisabled: boolean;
  AttachStdin: false;
  AttachStdout: true;
  AttachStderr: true;
  OpenStdin: false;
  Tty: false;
  HostConfig: {
    AutoRemove: true;
    NetworkMode: string;
    /** Asked for explicitly, so the engine's record can be held to them (engine-record.ts). */
    PidMode: "";
    IpcMode: "private";
    UTSMode: "";
    UsernsMode: "";
    CgroupnsMode: "private";
    Privileged: false;
    ReadonlyRootfs: boolean;
    CapDrop: string[];
    CapAdd: string[];
    SecurityOpt: string[];
    PidsLimit?: number;
    Memory?: number;
    MemorySwap?: number;
    Tmpfs?: Record<string, string>;
    Mounts: { Type: "bind"; Source: string; Target: string; ReadOnly: boolean }[];
  };
}

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** "256m" → bytes, with the binary units the docker CLI's --memory accepts (k, m, g…, optional "b"). */
export function memoryBytes(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)b?$/i.exec(text.trim());
  const unit = UNITS[(match?.[2] ?? "").toLowerCase()];
  if (match === null || match[1] === undefined || unit === undefined) throw new InputError("SANDBOX_MEMORY", `not a memory size: ${text}`);
  return Math.floor(Number(match[1]) * unit);
}

/**
 * The same container `buildRunArgs` describes for the CLI, as the create request the CLI
 * itself would send: each field present only when the profile asks for it, the seccomp
 * profile inlined as compact JSON (what `--security-opt seccomp=<file>` sends), env values in
 * the body and never on a command line. `seccompJson` is the profile file's text, read by
 * the caller when the flags name one.
 */
export function buildCreateBody(input: RunArgsInput, seccompJson: string | null): CreateBody {
  const { flags } = input;
  const securityOpt: string[] = [];
  if (flags.noNewPrivileges) securityOpt.push("no-new-privileges");
  if (flags.seccomp === "unconfined") securityOpt.push("seccomp=unconfined");
  else if (flags.seccomp !== "default") {
    if (seccompJson === null) throw new InputError("SANDBOX_SECCOMP", `the seccomp profile ${input.seccompProfilePath} was not read`);
    securityOpt.push(`seccomp=${JSON.stringify(JSON.parse(seccompJson))}`);
  }
  const tmpfs = flags.tmpfs === null ? undefined : splitTmpfs(flags.tmpfs);
  return {
    Image: input.image,
    Cmd: [...input.command],
    User: flags.user,
    ...(input.workdir === undefined ? {} : { WorkingDir: input.workdir }),
    Env: Object.entries(flags.env)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${key}=${value}`),
    Labels: { [SANDBOX_LABEL]: "1", ...ownerLabels() },
    // With NetworkMode "none" dockerd still builds a libnetwork sandbox for the container,
    // and joining it costs an OCI prestart hook that re-executes the 75 MB dockerd binary
    // (~100 ms a run; README "What the strict flags cost"). NetworkDisabled, which the CLI
    // cannot send, skips that machinery: the container still gets its own fresh network
    // namespace with loopback alone and no route, as under "none" (P10–P12 measure it, and
    // run.docker.test.ts compares both paths from the inside), minus the host-side resolv.conf
    // and hosts bind mounts. Only for "none": a named network must stay visible as one.
    NetworkDisabled: flags.network === "none",
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: false,
    Tty: false,
    HostConfig: {
      AutoRemove: true,
      NetworkMode: flags.network,
      PidMode: "",
      IpcMode: "private",
      UTSMode: "",
      UsernsMode: "",
      // Private whatever the daemon's default (host on cgroup v1): see buildRunArgs.
      CgroupnsMode: "private",
      Privileged: false,
      ReadonlyRootfs: flags.readOnly,
      CapDrop: [...flags.capDrop],
      CapAdd: [...flags.capAdd],
      SecurityOpt: securityOpt,
      ...(flags.pidsLimit === null ? {} : { PidsLimit: flags.pidsLimit }),
      // Swap equal to memory: no swap on top of the limit (the engine's default doubles it).
      ...(flags.memory === null ? {} : { Memory: memoryBytes(flags.memory), MemorySwap: memoryBytes(flags.memory) }),
      ...(tmpfs === undefined ? {} : { Tmpfs: tmpfs }),
      Mounts: mergeMounts(flags.mounts, input.mounts ?? []).map((m) => ({ Type: "bind" as const, Source: resolve(m.source), Target: m.target, ReadOnly: m.readOnly })),
    },
  };
}

/** "/tmp:rw,noexec" → { "/tmp": "rw,noexec" }, split at the first colon as the CLI does. */
function splitTmpfs(spec: string): Record<string, string> {
  const colon = spec.indexOf(":");
  return colon === -1 ? { [spec]: "" } : { [spec.slice(0, colon)]: spec.slice(colon + 1) };
}
