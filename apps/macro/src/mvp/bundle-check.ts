import { builtinModules } from "node:module";

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/**
 * The sandbox image has Node.js and nothing else: a bundle that imports any package (rather
 * than a Node built-in) would fail there. Returns the offending specifiers.
 */
export function foreignImports(source: string): string[] {
  const specifiers = [
    ...source.matchAll(/^\s*import\s[^;]*?from\s*["']([^"']+)["']/gm),
    ...source.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g),
    ...source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1] ?? "");
  return [...new Set(specifiers.filter((s) => s !== "" && !BUILTINS.has(s) && !s.startsWith(".")))].sort();
}
