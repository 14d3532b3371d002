import { defineConfig } from "tsup";

// Each command is its own entry so the CLI imports only the command it runs.
export default defineConfig({
  entry: ["src/cli.ts", "src/commands/*.ts", "!src/commands/*.test.ts"],
  format: ["esm"],
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
  splitting: true,
});
