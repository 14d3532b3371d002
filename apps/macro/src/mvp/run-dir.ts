import { join } from "node:path";
import { ensureDir } from "@macro/report";
import type { TrackDeps } from "../tracks/deps.ts";

/** Everything a run writes besides its packet and record lives in reports/runs/<runId>/. */
export async function runDir(deps: TrackDeps, runId: string): Promise<string> {
  const dir = join(deps.paths.reportsDir, "runs", runId);
  await ensureDir(dir);
  return dir;
}
