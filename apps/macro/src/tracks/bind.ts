import { join, relative } from "node:path";
import { digestFile, serializeJson, sha256Hex, writeFileOnce } from "@macro/report";
import type { BindOutput, TrackInput } from "@macro/machine";
import { loadMatrix } from "@macro/ssot";
import { bindRows } from "@macro/verifier";
import type { TrackDeps } from "./deps.ts";
import { runDir } from "../mvp/run-dir.ts";
import { rowEvidenceFrom } from "./row-evidence.ts";

/** Every matrix row gets exactly one status from the evidence this run holds; nothing else counts. */
export async function runBind(deps: TrackDeps, { input }: { input: TrackInput }): Promise<BindOutput> {
  const at = deps.now().toISOString();
  const matrixPath = join(deps.loaded.dir, deps.loaded.ssot.matrix.path);
  const matrix = await loadMatrix(matrixPath);
  if (!matrix.ok) {
    return {
      matrixPresent: false,
      rows: [],
      facts: [{ id: "matrix.error", value: matrix.error.message, source: matrixPath, observedAt: at }],
      evidence: [],
      sideEffects: [],
    };
  }
  const evidence = await rowEvidenceFrom({ loaded: deps.loaded, cwd: deps.paths.cwd, runId: input.runId, now: deps.now() }, matrix.value.rows, input.evidence);
  const bound = bindRows(matrix.value.rows, evidence);
  // The binding is evidence in its own right: which row stood on what, written before it is judged.
  // Written once, named by its digest: a repeated bind never replaces what a record points at.
  const text = serializeJson({ schema: "macro/binding/v1", runId: input.runId, matrix: relative(deps.paths.cwd, matrixPath), rows: bound });
  const file = join(await runDir(deps, input.runId), `binding-${sha256Hex(text).slice(0, 16)}.json`);
  await writeFileOnce(file, text);
  const digest = await digestFile(file);
  return {
    matrixPresent: true,
    rows: bound.map((b) => ({ id: b.id, status: b.status })),
    facts: bound
      .filter((b) => b.status !== "BOUND_PASS")
      .map((b) => ({ id: `matrix.row${b.id}`, value: `${b.status}: ${b.notes.join("; ")}`, source: "bindRows(matrix, evidence)", observedAt: at })),
    evidence: [{ id: "binding", path: relative(deps.paths.cwd, file), sha256: digest.sha256, bytes: digest.bytes, track: "bind", origin: "produced", createdAt: at }],
    sideEffects: [],
  };
}
