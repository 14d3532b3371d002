export * from "./types.ts";
export {
  CHECKS,
  CHECK_NAMES,
  OBSERVED_CLASS,
  firstFailure,
  trackOfCheck,
  type CheckName,
  type CheckOf,
  type CheckEnv,
} from "./checks.ts";
export { validateCatalog, catalogEntryFor, makeBlocker, type BlockerParts } from "./catalog.ts";
export { macroMachine, TRACK_ACTORS, trackInput } from "./machine.ts";
export {
  MACHINE_VERSION,
  STATE_NAMES,
  Checkpoint,
  CheckpointBody,
  toCheckpoint,
  sealCheckpoint,
  restoreCheckpoint,
  passedTracks,
  type StateName,
  type RestoredCheckpoint,
  type CheckpointError,
  type CheckpointSource,
  type RestoreOptions,
} from "./checkpoint.ts";
export { actorsFrom, mapFns, resumeFns, type Rederive, type Rederived, type ResumeEvent, type TrackFn, type TrackFns } from "./resume.ts";
export { EngineFault, StorageFault, asEngineFault, asStorageFault } from "./fault.ts";
export { renderMermaid } from "./mermaid.ts";
export { runMacro, type MacroMachine, type RunOptions } from "./run.ts";
