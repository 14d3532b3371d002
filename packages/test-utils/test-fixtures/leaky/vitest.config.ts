import { defineProject, mergeConfig } from "vitest/config";
import { sharedProject } from "../../../../vitest.shared.ts";

// The run guard.test.ts starts in a child vitest: the shared setup, only the leaking file.
export default mergeConfig(sharedProject, defineProject({ test: { include: ["leaks.fixture.ts"] } }));
