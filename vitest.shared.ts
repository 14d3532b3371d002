import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

const testUtils = (file: string) => fileURLToPath(new URL(`./packages/test-utils/src/${file}`, import.meta.url));

// Workspace packages resolve to their TypeScript source in tests (the "@macro/source"
// export condition), so a package's tests never wait for its dependencies' builds.
// Every project runs under the leak guard (packages/test-utils/README.md): a private TMPDIR and
// an owner label for the run, and a failed run when anything it made outlives it.
export const sharedProject = defineProject({
  ssr: { resolve: { conditions: ["@macro/source", "module", "node", "development|production"] } },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    globalSetup: [testUtils("guard/global-setup.ts")],
    setupFiles: [testUtils("setup.ts")],
  },
});
