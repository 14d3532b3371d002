import * as z from "./zod.ts";
import { matchExpected, type JsonValue } from "./expect.ts";

export const ProbeVerdict = z.enum(["PASS", "FAIL", "INCONCLUSIVE", "NOT_RUN_UNSAFE", "ERROR"]);
export type ProbeVerdict = z.infer<typeof ProbeVerdict>;

/**
 * How far the probe got. Only a `measured` probe can pass; the others carry their own
 * verdict whatever the actual values say.
 */
export const ProbeStatus = z.enum(["measured", "inconclusive", "not-run-unsafe", "error"]);
export type ProbeStatus = z.infer<typeof ProbeStatus>;

/**
 * The attester's fresh random value for one attestation, handed to the probe program on its
 * command line. Every result and the report carry it, so output recorded in an earlier
 * container (whatever its verdicts) does not pass as this one's.
 */
export const ProbeNonce = z.string().regex(/^[0-9a-f]{32}$/, "a nonce is 32 lower-case hex digits (128 random bits)");
export type ProbeNonce = z.infer<typeof ProbeNonce>;

export const ProbeResult = z.object({
  id: z.string().regex(/^P\d{2}-[A-Z0-9-]+$/),
  title: z.string(),
  status: ProbeStatus,
  expected: z.record(z.string(), z.json()),
  actual: z.record(z.string(), z.json()),
  verdict: ProbeVerdict,
  /** Sanitised observations (file names, counts, errno names): never secret values. */
  evidence: z.array(z.string()),
  /** The nonce this result was measured under; must equal the one the attester issued. */
  nonce: ProbeNonce,
});
export type ProbeResult = z.infer<typeof ProbeResult>;

export const ProbeReport = z.object({
  schema: z.literal("macro/probe-report/v1"),
  tool: z.object({ name: z.string(), version: z.string() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  env: z.object({ kernelRelease: z.string(), arch: z.string(), node: z.string() }),
  nonce: ProbeNonce,
  probes: z.array(ProbeResult),
});
export type ProbeReport = z.infer<typeof ProbeReport>;

/** The verdict a probe result deserves; stored verdicts are never trusted, always recomputed. */
export function recomputeVerdict(
  status: ProbeStatus,
  expected: Record<string, JsonValue>,
  actual: Record<string, JsonValue>,
): ProbeVerdict {
  switch (status) {
    case "measured":
      return matchExpected(expected, actual).ok ? "PASS" : "FAIL";
    case "inconclusive":
      return "INCONCLUSIVE";
    case "not-run-unsafe":
      return "NOT_RUN_UNSAFE";
    case "error":
      return "ERROR";
  }
}
