// What bench/inspect.mjs measures: the inspector core bundled the way apps/tki-inspector bundles
// it (one tree-shaken file, dependencies inlined), so the figures are those of the code users run.
// The library build (packages/inspector/dist/index.js) loads all of @macro/ssot and zod instead,
// and that import leaves V8 a full GC that falls inside a 10 MB inspection.
export { inspectPacket } from "@macro/inspector";
