import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deferCleanup } from "./cleanup.ts";

// Names this project gives what it makes in the temp directory; the guard looks for them in
// the real one. A prefix outside them would hide a leak there from the guard.
export const PROJECT_TEMP_NAME = /^(macro|tki|inspector)-/;

function checkPrefix(prefix: string): void {
  if (!PROJECT_TEMP_NAME.test(prefix) || prefix.includes("/")) {
    throw new Error(`temp prefix ${JSON.stringify(prefix)} must start with macro-, tki- or inspector- and name no folder`);
  }
}

/**
 * A test may patch fs for good (the inspector's write confinement refuses every write outside
 * its dir, rmSync's inner calls included): then `rm` in a child process, outside the patch.
 */
const remove = (path: string) => () => {
  try {
    rmSync(path, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    execFileSync("rm", ["-rf", "--", path], { stdio: "ignore" });
  }
};

/**
 * A fresh directory in the temp directory, removed with everything in it when the current test
 * ends (pass or fail) or, made outside a test, when the file ends. Synchronous so it also serves
 * `beforeAll` bodies and module scope.
 */
export function tempDirSync(prefix = "macro-test-"): string {
  checkPrefix(prefix);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  deferCleanup(remove(dir));
  return dir;
}

/** `tempDirSync`, for callers that await. */
export async function tempDir(prefix = "macro-test-"): Promise<string> {
  return tempDirSync(prefix);
}

/** A file named `name` with `content` in a fresh temp dir (removed like `tempDir`'s); its path. */
export function tempFile(name: string, content: string | Uint8Array = "", prefix = "macro-test-"): string {
  const path = join(tempDirSync(prefix), name);
  writeFileSync(path, content);
  return path;
}
