// Set by tsup at build time (tsup.config.ts); absent when the source runs directly (tests).
declare const __MACRO_VERSION__: string | undefined;
declare const __MACRO_COMMIT__: string | undefined;

export interface BuildInfo {
  version: string | null;
  /** The git commit the bundle was built from, `-dirty` if the tree had changes; null if unknown. */
  commit: string | null;
}

export function buildInfo(): BuildInfo {
  return {
    version: typeof __MACRO_VERSION__ === "string" ? __MACRO_VERSION__ : null,
    commit: typeof __MACRO_COMMIT__ === "string" && __MACRO_COMMIT__ !== "" ? __MACRO_COMMIT__ : null,
  };
}

/** `macro --version`: one line, for bug reports and for matching a run to the code that made it. */
export function versionLine(info: BuildInfo = buildInfo()): string {
  return `macro ${info.version ?? "(unbuilt source)"} (commit ${info.commit ?? "unknown"})\n`;
}
