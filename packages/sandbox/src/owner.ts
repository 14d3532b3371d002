/**
 * Who asked for what the sandbox creates. A caller that must find later what it made on an engine
 * others share (the test suite's leak guard gives each run an id) names itself in MACRO_OWNER, and
 * every container, image and network created here carries it as the `macro.owner` label. Read from
 * the process environment because it must cross process boundaries (a test starts the CLI, the CLI
 * starts a nested vitest) without every layer passing it on. A value that is not a plain token is
 * ignored, never interpolated.
 */
export const OWNER_LABEL = "macro.owner";

export function ownerLabels(env: Readonly<Record<string, string | undefined>> = process.env): Record<string, string> {
  const owner = env["MACRO_OWNER"];
  return owner !== undefined && /^[A-Za-z0-9_.-]{1,64}$/.test(owner) ? { [OWNER_LABEL]: owner } : {};
}
