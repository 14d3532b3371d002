// Test-only helpers, a devDependency of every package and app; it depends on no workspace
// package, so the one-way rule (apps → … → ssot) is untouched, and nothing that ships imports it.
export { deferCleanup } from "./cleanup.ts";
export { tempDir, tempDirSync, tempFile, PROJECT_TEMP_NAME } from "./temp.ts";
export { OWNER_ENV, OWNER_LABEL, ownerLabelArgs } from "./owner.ts";
