export { runCases, type CaseOutcome, type CaseResult, type ConformanceCase } from "./kit.ts";
export { VERIFIER_TARGETS, type ConformanceTargets } from "./targets.ts";
export { bundleCases, type BundleCase } from "./bundle-cases.ts";
export { binderCases } from "./binder-cases.ts";
export { goodStatement, passingResult, satisfying, kitKey, KIT_FILES, KIT_NOW, KIT_RUN, KIT_RUN_ID, KIT_TRUSTED, KIT_STRANGER, engineViewFor, KIT_NONCE } from "./material.ts";

import type { Ssot } from "@macro/ssot";
import { binderCases } from "./binder-cases.ts";
import { bundleCases } from "./bundle-cases.ts";
import type { ConformanceCase } from "./kit.ts";

/** Every verifier-side case: the attestation bundles, then the binder and the evidence lines. */
export function verifierCases(ssot: Ssot): ConformanceCase[] {
  return [...bundleCases(ssot), ...binderCases()];
}
