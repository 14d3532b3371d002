import { recomputeVerdict, type ProbeExpectation, type ProbeReport, type ProbeResult } from "@macro/ssot";
import type { ProbeEnv } from "./env.ts";
import type { ProbeDefinition, ProbeOutcome } from "./probe.ts";
import { realProbeEnv } from "./real-env.ts";
import { SANDBOX_PROBES } from "./registry.ts";

export const PROBES_TOOL = { name: "macro-sandbox-probes", version: "0.1.0" } as const;

function errorResult(expectation: ProbeExpectation, evidence: string[], nonce: string): ProbeResult {
  return {
    id: expectation.id,
    title: expectation.title,
    status: "error",
    expected: expectation.expected,
    actual: {},
    verdict: recomputeVerdict("error", expectation.expected, {}),
    evidence,
    nonce,
  };
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split("\n")[0]?.slice(0, 200) ?? "";
}

async function runOne(probe: ProbeDefinition, env: ProbeEnv, expected: ProbeExpectation["expected"]): Promise<ProbeOutcome> {
  try {
    return await probe.run(env, expected);
  } catch (error) {
    // A defect in one probe must not hide the others' results: it becomes an ERROR verdict.
    return { status: "error", actual: {}, evidence: [`probe threw: ${oneLine(error)}`] };
  }
}

/**
 * Runs the probes named by the expectations, in their order, one at a time (P12 opens a socket
 * and must not overlap anything). Unknown or duplicated ids yield ERROR results; probes not
 * listed are not run. Verdicts are always recomputed from status, expected and actual.
 * `nonce` is the attester's, carried by the report and by every result (see ProbeNonce).
 */
export async function runProbes(
  expectations: ProbeExpectation[],
  nonce: string,
  env: ProbeEnv = realProbeEnv(),
  probes: readonly ProbeDefinition[] = SANDBOX_PROBES,
): Promise<ProbeReport> {
  const startedAt = new Date().toISOString();
  const byId = new Map(probes.map((probe) => [probe.id, probe]));
  const seen = new Set<string>();
  const results: ProbeResult[] = [];
  for (const expectation of expectations) {
    const probe = byId.get(expectation.id);
    if (probe === undefined) {
      results.push(errorResult(expectation, [`unknown probe id ${expectation.id}`], nonce));
      continue;
    }
    if (seen.has(expectation.id)) {
      results.push(errorResult(expectation, [`duplicate expectation for ${expectation.id}`], nonce));
      continue;
    }
    seen.add(expectation.id);
    const outcome = await runOne(probe, env, expectation.expected);
    results.push({
      id: expectation.id,
      title: expectation.title,
      status: outcome.status,
      expected: expectation.expected,
      actual: outcome.actual,
      verdict: recomputeVerdict(outcome.status, expectation.expected, outcome.actual),
      evidence: outcome.evidence,
      nonce,
    });
  }
  return {
    schema: "macro/probe-report/v1",
    tool: { ...PROBES_TOOL },
    startedAt,
    finishedAt: new Date().toISOString(),
    env: { kernelRelease: env.kernelRelease, arch: process.arch, node: process.version },
    nonce,
    probes: results,
  };
}
