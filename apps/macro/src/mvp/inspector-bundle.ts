import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The workspace build of tki-inspector. Through require.resolve, not import.meta.resolve: the
 * CLI is bundled as CommonJS, where only import.meta.url is carried over.
 */
export function inspectorBundlePath(): string {
  return join(dirname(createRequire(import.meta.url).resolve("@macro/tki-inspector/package.json")), "dist/tki-inspector.js");
}
