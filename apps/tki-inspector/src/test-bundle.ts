import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

// Test support (not part of the bundle): the tests run the BUILT file, exactly as the
// sandbox image runs it, so they rebuild it when any source it inlines is newer.
export const APP = resolve(import.meta.dirname, "..");
export const REPO = resolve(APP, "../..");
/**
 * The bundle under test. `macro run` builds its own into the run's folder and points
 * TKI_INSPECTOR_BUNDLE at it, so the suite it runs proves the artifact the run recorded.
 */
const GIVEN = process.env["TKI_INSPECTOR_BUNDLE"];
export const BUNDLE = GIVEN === undefined || GIVEN === "" ? join(APP, "dist", "tki-inspector.js") : resolve(GIVEN);
const SOURCES = [join(APP, "src"), join(REPO, "packages/inspector/src"), join(REPO, "packages/ssot/src")];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function ensureBundle(): void {
  if (GIVEN !== undefined && GIVEN !== "") {
    if (!existsSync(BUNDLE)) throw new Error(`TKI_INSPECTOR_BUNDLE names ${BUNDLE}, which does not exist`);
    return;
  }
  const stale = !existsSync(BUNDLE) || statSync(BUNDLE).mtimeMs < Math.max(...SOURCES.map(newestSource));
  if (!stale) return;
  const build = spawnSync("pnpm", ["--filter", "@macro/tki-inspector", "build"], { cwd: REPO, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`bundle build failed:\n${build.stdout}\n${build.stderr}`);
}
