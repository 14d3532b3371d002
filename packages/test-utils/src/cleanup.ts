import { onTestFinished } from "vitest";

type Cleanup = () => unknown;

/**
 * What was registered outside a test (a beforeAll, a describe body, module scope): undone when
 * the file ends, by the afterAll that `setup.ts` registers on every file's root suite.
 */
const fileScope: Cleanup[] = [];

/**
 * Runs `fn` when the current test finishes, pass or fail; called outside a test (beforeAll,
 * a describe body, module scope), when the file finishes instead. The one place a test says
 * "undo this": temp dirs, containers, images, networks, child processes.
 */
export function deferCleanup(fn: Cleanup): void {
  try {
    onTestFinished(async () => {
      await fn();
    });
    return;
  } catch {
    // Not inside a test (or inside a hook that may not add one): the file's end removes it.
  }
  fileScope.push(fn);
}

/** Undoes everything registered at file scope, newest first; every one is tried, the first failure is thrown. */
export async function runFileCleanups(): Promise<void> {
  let first: unknown = null;
  while (fileScope.length > 0) {
    const fn = fileScope.pop() as Cleanup;
    try {
      await fn();
    } catch (cause) {
      first ??= cause;
    }
  }
  if (first !== null) throw first;
}
