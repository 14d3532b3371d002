export * from "./sandbox/index.ts";
export * from "./venue/index.ts";
