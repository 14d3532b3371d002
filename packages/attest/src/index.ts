export { attestSandbox, bundleFileName, readKey, PROBE_ENTRY_IN_IMAGE, HELPER_IN_IMAGE, type Attestation, type AttestFailure, type AttestRequest } from "./attest.ts";
export { readSandboxFiles, sandboxPaths, type SandboxPaths } from "./files.ts";
export { findOperatorBundle, MAX_EXAMINED, type OperatorBundleRef } from "./operator-bundle.ts";
export { loadVariant } from "./variant.ts";
export { trustedKeys, verifyBundleFile, type FileVerdict } from "./verify.ts";
