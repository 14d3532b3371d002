import { relative } from "node:path";
import { fromPromise } from "xstate";
import type { SsotOutput, TrackInput } from "@macro/machine";
import { hashBytes, orInputError, readInput } from "@macro/ssot";
import type { TrackDeps } from "./deps.ts";

/** Re-reads the SSOT's raw bytes: a file edited since load must not steer this run. */
export function readSsotActor(deps: TrackDeps) {
  return fromPromise<SsotOutput, TrackInput>(async () => {
    const bytes = orInputError(await readInput(deps.loaded.path, { kind: "ssot" }));
    const sha256 = hashBytes(bytes);
    const at = deps.now().toISOString();
    const path = relative(deps.paths.cwd, deps.loaded.path);
    return {
      ssotSha256Now: sha256,
      facts: [
        { id: "ssot.path", value: path, source: "macro run --ssot", observedAt: at },
        { id: "ssot.sha256", value: sha256, source: `sha256 of ${path} (raw bytes)`, observedAt: at },
        { id: "macro.id", value: deps.loaded.ssot.macro.id, source: `${path}: macro.id`, observedAt: at },
      ],
      evidence: [{ id: "ssot", path, sha256, bytes: bytes.byteLength, track: "ssot", origin: "verified-read-only", createdAt: at }],
      sideEffects: [],
    };
  });
}
