import { fileURLToPath } from "node:url";

// Both src/*.ts and the bundled dist/index.js sit one level below the package root.
const packageRoot = new URL("../", import.meta.url);

/** The package's committed Dockerfile (FROM scratch, no shell). */
export const DOCKERFILE_PATH = fileURLToPath(new URL("Dockerfile.sandbox", packageRoot));
/** The package's committed deny-by-default profile, derived by scripts/derive-seccomp.mjs. */
export const SECCOMP_PROFILE_PATH = fileURLToPath(new URL("seccomp-deny-by-default.json", packageRoot));
