/**
 * Each guarded test run gets an owner id, passed down in this variable to every process it
 * starts (vitest workers, CLIs, nested vitest runs). The sandbox stamps it as the `macro.owner`
 * label on every container, image and network it creates, so the guard finds what THIS run
 * made on an engine other runs share, without guessing from names.
 */
export const OWNER_ENV = "MACRO_OWNER";
export const OWNER_LABEL = "macro.owner";

/** `--label macro.owner=<id>` for a test that creates an engine object itself, or nothing outside a guarded run. */
export function ownerLabelArgs(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const owner = env[OWNER_ENV];
  return owner === undefined || owner === "" ? [] : ["--label", `${OWNER_LABEL}=${owner}`];
}
