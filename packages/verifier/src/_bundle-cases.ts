// Test support only: the conformance kit's bundle cases written out as files in fixtures/bundles/.
import type { Ssot } from "@macro/ssot";
import { bundleCases as kitBundleCases } from "./conformance/bundle-cases.ts";
import { KIT_FILES, KIT_NOW, KIT_RUN, KIT_TRUSTED } from "./conformance/material.ts";
import { VERIFIER_TARGETS } from "./conformance/targets.ts";

export const TRUSTED = KIT_TRUSTED;
export const RUN_KEY = KIT_RUN;

export interface FixtureCase {
  file: string;
  title: string;
  classes: string[];
  origin: unknown;
  accepted: boolean;
  /** Every reason code the real verifier gives, sorted (a snapshot: a change shows in review). */
  codes: string[];
  bytes: Buffer;
}

/** Files only (the name-vs-content cases have no file of their own; the oversize case is not committed). */
export function bundleCases(ssot: Ssot): FixtureCase[] {
  return kitBundleCases(ssot)
    .filter((c) => c.file !== "" && c.id !== "bad-oversize")
    .map((c) => {
      const outcome = c.run(VERIFIER_TARGETS);
      const origin = c.origin?.kind === "run" ? { ...c.origin, runPublicKeyPem: "run.pub.pem" } : (c.origin ?? null);
      return { file: c.file, title: c.title, classes: c.classes, origin, accepted: outcome.accepted, codes: [...outcome.codes].sort(), bytes: c.bytes };
    });
}

export const FIXTURE_FILES = {
  dockerfile: { path: "files/Dockerfile.sandbox", bytes: KIT_FILES.dockerfile },
  seccompProfile: { path: "files/seccomp-deny-by-default.json", bytes: KIT_FILES.seccompProfile },
  probeBundle: { path: "files/probe-entry.js", bytes: KIT_FILES.probeBundle },
  syscallHelper: { path: "files/syscall-helper", bytes: KIT_FILES.syscallHelper ?? Buffer.alloc(0) },
} as const;

export function manifest(cases: readonly FixtureCase[]): string {
  const body = {
    schema: "macro/bundle-fixtures/v2",
    about: "Evidence bundles for `verifyAttestationBundle`: the conformance kit's bundle cases (packages/verifier/src/conformance), written by packages/verifier/src/fixtures.test.ts (vitest -u), never hand-edited.",
    now: KIT_NOW.toISOString(),
    ssot: "ssot.yaml",
    trustedKeys: ["trusted.pub.pem"],
    files: Object.fromEntries(Object.entries(FIXTURE_FILES).map(([k, v]) => [k, v.path])),
    cases: cases.map(({ file, title, classes, origin, accepted, codes }) => ({ file, title, classes, origin, accepted, codes })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
