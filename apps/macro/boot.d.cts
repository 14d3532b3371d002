// Types for boot.cjs, which is committed plain JS because it runs before anything is built.

/** What happened to the code cache on this load: "native" on Node 22.1+, which keeps its own. */
export type CacheOutcome = "off" | "miss" | "hit" | "rejected" | "native";

export function loadWithCodeCache(file: string, options: { cacheDir: string | null; command: string | undefined }): CacheOutcome;

export function defaultCacheDir(packageDir: string, env: Readonly<Record<string, string | undefined>>): string | null;
