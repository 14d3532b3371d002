import { p16CgroupLimits } from "./cgroup-probe.ts";
import { p01RootReadOnly, p02ProcMasked } from "./fs-probes.ts";
import { p13HostSocketsAndMounts } from "./host-exposure-probe.ts";
import { p11LoopbackOnly, p12EgressUnreachable } from "./net-probes.ts";
import { p10NotHostNamespaces } from "./ns-probe.ts";
import type { ProbeDefinition } from "./probe.ts";
import { p06SeccompFilter, p07NoNewPrivs, p08CapsEmpty, p09NonRoot } from "./proc-probes.ts";
import { p14Secrets, p15KeyringEmpty } from "./secrets-probes.ts";
import { p03MountDenied, p04UsernsDenied, p05SeccompSentinels } from "./syscall-probes.ts";

/** Every in-sandbox probe, in id order. */
export const SANDBOX_PROBES: readonly ProbeDefinition[] = [
  p01RootReadOnly,
  p02ProcMasked,
  p03MountDenied,
  p04UsernsDenied,
  p05SeccompSentinels,
  p06SeccompFilter,
  p07NoNewPrivs,
  p08CapsEmpty,
  p09NonRoot,
  p10NotHostNamespaces,
  p11LoopbackOnly,
  p12EgressUnreachable,
  p13HostSocketsAndMounts,
  p14Secrets,
  p15KeyringEmpty,
  p16CgroupLimits,
];

export const SANDBOX_PROBE_IDS: readonly string[] = SANDBOX_PROBES.map((probe) => probe.id);
