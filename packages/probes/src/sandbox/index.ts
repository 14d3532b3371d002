export type { ConnectOutcome, ConnectRequest, HelperRun, ProbeEnv, ProcessIds } from "./env.ts";
export type { ProbeDefinition, ProbeOutcome } from "./probe.ts";
export { runProbes, PROBES_TOOL } from "./run.ts";
export { realProbeEnv } from "./real-env.ts";
export { SANDBOX_PROBES, SANDBOX_PROBE_IDS } from "./registry.ts";
export { DEFAULT_HELPER_PATH } from "./helper.ts";
export { runEntry, ENTRY_USAGE, type EntryIo } from "./entry-main.ts";
