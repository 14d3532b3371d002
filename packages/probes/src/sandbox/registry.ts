import { p16CgroupLimits } from "./cgroup-probe.ts";
import { p01RootReadOnly, p02ProcMasked } from "./fs-probes.ts";
import { p13MountsExact, p17WritableNoExec } from "./mount-probes.ts";
import { p11LoopbackOnly, p12EgressUnreachable } from "./net-probes.ts";
import { p10NamespacesPrivate } from "./ns-probe.ts";
import type { ProbeDefinition } from "./probe.ts";
import { p06SeccompFilter, p07NoNewPrivs, p08CapsEmpty, p09IdsExact } from "./proc-probes.ts";
import { p14EnvExact, p15KeyringEmpty } from "./secrets-probes.ts";
import { p03MountDenied, p04UsernsDenied, p05SeccompSweep } from "./syscall-probes.ts";
import { p18SocketsNone, p19DevExact } from "./walk-probes.ts";

/** Every in-sandbox probe, in id order. */
export const SANDBOX_PROBES: readonly ProbeDefinition[] = [
  p01RootReadOnly,
  p02ProcMasked,
  p03MountDenied,
  p04UsernsDenied,
  p05SeccompSweep,
  p06SeccompFilter,
  p07NoNewPrivs,
  p08CapsEmpty,
  p09IdsExact,
  p10NamespacesPrivate,
  p11LoopbackOnly,
  p12EgressUnreachable,
  p13MountsExact,
  p14EnvExact,
  p15KeyringEmpty,
  p16CgroupLimits,
  p17WritableNoExec,
  p18SocketsNone,
  p19DevExact,
];

export const SANDBOX_PROBE_IDS: readonly string[] = SANDBOX_PROBES.map((probe) => probe.id);
