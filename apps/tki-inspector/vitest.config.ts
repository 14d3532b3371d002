import { defineProject, mergeConfig } from "vitest/config";
import { sharedProject } from "../../vitest.shared.ts";

// Two test files rebuild and run the same dist/ bundle; one file at a time keeps one
// from cleaning dist/ under the other.
export default mergeConfig(sharedProject, defineProject({ test: { fileParallelism: false } }));
