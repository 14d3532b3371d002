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
  toCheckpoint,
  restoreCheckpoint,
  type RestoredCheckpoint,
  type CheckpointError,
  type CheckpointSource,
  type RestoreOptions,
} from "./checkpoint.ts";
export { renderMermaid } from "./mermaid.ts";
export { runMacro, type MacroMachine, type RunOptions } from "./run.ts";
