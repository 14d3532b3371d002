import { mergeConfig } from "vitest/config";
import { sharedProject } from "../../vitest.shared.ts";

// @actions/workflow-parser (the workflow test's validator) imports its JSON schema without an
// import attribute, which Node's own loader refuses; pre-bundled by vite for the tests, it loads.
export default mergeConfig(sharedProject, { test: { deps: { optimizer: { ssr: { enabled: true, include: ["@actions/workflow-parser"] } } } } });
