import type { Options } from "tsup";

/** Every library package builds the same way: its one `src/index.ts` face, ESM for Node 20. */
export const libraryOptions: Options = {
  entry: ["src/index.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
};
