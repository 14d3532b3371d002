export {
  GUARD_CODES,
  GuardViolation,
  type GuardBlock,
  type GuardCode,
  type GuardVerdict,
} from "./verdict.ts";
export { liveGuardContext, type GuardContext, type GuardInputs } from "./context.ts";
export { checkAttestation } from "./attestation.ts";
export { checkEnvironment } from "./env.ts";
export { checkSandbox, parseStatus, rootMountOptions, interfacesFromProcNetDev } from "./sandbox.ts";
export { GUARD_ORDER, runGuards } from "./run.ts";
export { lockdownNetwork } from "./lockdown.ts";
export { confineWrites } from "./confine.ts";
export { guardedOutDir, type OutDirRefusal, type OutDirRefusalCode } from "./out-dir.ts";
