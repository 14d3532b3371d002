import { attestationRowEvidence } from "../attest-rows.ts";
import { bindingIsGreen, bindRows } from "../bind.ts";
import { verifyAttestationBundle } from "../bundle.ts";
import { checkBundleName } from "../bundle-name.ts";
import { checkEvidenceLines } from "../evidence-lines.ts";
import { testResultRowEvidence } from "../test-rows.ts";

/**
 * What the kit runs against: the real verifier and binder, injectable so a test (or a doubt)
 * can swap one for a broken copy and watch the kit turn red.
 */
export interface ConformanceTargets {
  verifyAttestationBundle: typeof verifyAttestationBundle;
  checkBundleName: typeof checkBundleName;
  bindRows: typeof bindRows;
  bindingIsGreen: typeof bindingIsGreen;
  attestationRowEvidence: typeof attestationRowEvidence;
  testResultRowEvidence: typeof testResultRowEvidence;
  checkEvidenceLines: typeof checkEvidenceLines;
}

export const VERIFIER_TARGETS: ConformanceTargets = {
  verifyAttestationBundle,
  checkBundleName,
  bindRows,
  bindingIsGreen,
  attestationRowEvidence,
  testResultRowEvidence,
  checkEvidenceLines,
};
