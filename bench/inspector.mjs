// What bench/inspect.mjs measures (its header says why): the inspector core bundled the way
// apps/tki-inspector bundles it, one tree-shaken file with its dependencies inlined.
export { inspectPacket } from "@macro/inspector";
