import * as z from "zod";

// The engine's container record (`GET /containers/{id}/json`, `docker container inspect`), as
// much of it as engine-record.ts compares; nulls allowed where engines leave fields unset.
const strs = z.array(z.string()).nullish();
const HostConfig = z.object({
  Binds: strs,
  NetworkMode: z.string().nullish(),
  RestartPolicy: z.object({ Name: z.string().nullish() }).nullish(),
  AutoRemove: z.boolean().nullish(),
  VolumesFrom: strs,
  CapAdd: strs,
  CapDrop: strs,
  Capabilities: strs,
  CgroupnsMode: z.string().nullish(),
  ExtraHosts: strs,
  GroupAdd: strs,
  IpcMode: z.string().nullish(),
  Cgroup: z.string().nullish(),
  Links: strs,
  PidMode: z.string().nullish(),
  Privileged: z.boolean().nullish(),
  ReadonlyRootfs: z.boolean().nullish(),
  SecurityOpt: strs,
  Tmpfs: z.record(z.string(), z.string()).nullish(),
  UTSMode: z.string().nullish(),
  UsernsMode: z.string().nullish(),
  CgroupParent: z.string().nullish(),
  Memory: z.number().nullish(),
  MemorySwap: z.number().nullish(),
  NanoCpus: z.number().nullish(),
  CpuShares: z.number().nullish(),
  CpuQuota: z.number().nullish(),
  CpuPeriod: z.number().nullish(),
  CpusetCpus: z.string().nullish(),
  Devices: z.array(z.object({ PathOnHost: z.string().nullish(), PathInContainer: z.string().nullish(), CgroupPermissions: z.string().nullish() })).nullish(),
  DeviceCgroupRules: strs,
  DeviceRequests: z.array(z.unknown()).nullish(),
  PidsLimit: z.number().nullish(),
  OomKillDisable: z.boolean().nullish(),
  Ulimits: z.array(z.object({ Name: z.string(), Soft: z.number(), Hard: z.number() })).nullish(),
  Sysctls: z.record(z.string(), z.string()).nullish(),
  MaskedPaths: strs,
  ReadonlyPaths: strs,
  Mounts: z
    .array(
      z.object({
        Type: z.string().nullish(),
        Source: z.string().nullish(),
        Target: z.string().nullish(),
        ReadOnly: z.boolean().nullish(),
        BindOptions: z.object({ Propagation: z.string().nullish(), NonRecursive: z.boolean().nullish() }).nullish(),
        TmpfsOptions: z.object({ SizeBytes: z.number().nullish(), Mode: z.number().nullish() }).nullish(),
      }),
    )
    .nullish(),
});
/** The parts of the engine's container record that bear on the sandbox; the rest is ignored. */
export const ContainerInspect = z.object({
  Image: z.string().min(1),
  Config: z.object({
    Image: z.string().nullish(),
    Cmd: strs,
    User: z.string().nullish(),
    Env: strs,
    NetworkDisabled: z.boolean().nullish(),
    Volumes: z.record(z.string(), z.unknown()).nullish(),
  }),
  HostConfig,
});
export type ContainerInspect = z.infer<typeof ContainerInspect>;
