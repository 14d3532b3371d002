export * from "./errors.ts";
export * from "./tracks.ts";
export * from "./facts.ts";
export * from "./side-effects.ts";
export * from "./evidence.ts";
export * from "./ssot.ts";
export * from "./blocker.ts";
