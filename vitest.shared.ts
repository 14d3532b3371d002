import { defineProject } from "vitest/config";

// Workspace packages resolve to their TypeScript source in tests (the "@macro/source"
// export condition), so a package's tests never wait for its dependencies' builds.
export const sharedProject = defineProject({
  ssr: { resolve: { conditions: ["@macro/source", "module", "node", "development|production"] } },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
