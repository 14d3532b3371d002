import { isDeepStrictEqual } from "node:util";
import {
  matchExpected,
  recomputeVerdict,
  type AttestationVerdict,
  type Mismatch,
  type ProbeExpectation,
  type ProbeResult,
  type ProbeSummary,
  type ProbeVerdict,
} from "@macro/ssot";
import { reason, type Reason } from "./reason.ts";

export interface JudgedProbe {
  id: string;
  /** Recomputed from status + the SSOT's expected values + actual. */
  verdict: ProbeVerdict;
  /** What the bundle claimed; only ever compared, never used. */
  stored: ProbeVerdict;
  mismatches: Mismatch[];
}

export interface ProbeJudgement {
  verdict: AttestationVerdict;
  /** One entry per result as given (duplicates and extras included), in bundle order. */
  probes: JudgedProbe[];
  reasons: Reason[];
}

const at = (index: number, field?: string): string =>
  `predicate.probes[${index}]${field === undefined ? "" : `.${field}`}`;

/**
 * Judges probe results against the SSOT's expectations. Ids match exactly, the set must be
 * exactly the expected one, and every verdict is recomputed: the bundle's own verdicts and
 * embedded expectations are evidence of what it claims, never of what is true. Every result
 * must carry `nonce`, the one the attester issued for this run: output recorded in another
 * container carries another (or none) and fails, whatever its verdicts.
 */
export function judgeProbes(expectations: readonly ProbeExpectation[], results: readonly ProbeResult[], nonce: string): ProbeJudgement {
  const reasons: Reason[] = [];
  const wanted = new Map<string, ProbeExpectation>();
  if (expectations.length === 0) {
    reasons.push(reason("PROBE_SET_EMPTY", "the SSOT expects no probes; an empty probe set can never attest a sandbox"));
  }
  for (const expectation of expectations) {
    if (wanted.has(expectation.id)) {
      reasons.push(reason("EXPECTATION_DUPLICATE", `the SSOT lists probe ${expectation.id} more than once`));
      continue;
    }
    wanted.set(expectation.id, expectation);
  }

  const seen = new Map<string, number>();
  const probes: JudgedProbe[] = [];
  results.forEach((result, index) => {
    const count = (seen.get(result.id) ?? 0) + 1;
    seen.set(result.id, count);
    if (count === 2) {
      reasons.push(reason("PROBE_DUPLICATE", `probe ${result.id} appears more than once; every copy is judged`, at(index, "id")));
    }
    const expectation = wanted.get(result.id);
    if (expectation === undefined) {
      reasons.push(reason("PROBE_EXTRA", `probe ${result.id} is not in the SSOT's probe set`, at(index, "id")));
    } else if (!isDeepStrictEqual(result.expected, expectation.expected)) {
      reasons.push(
        reason("EXPECTED_MISMATCH", `probe ${result.id} embeds expected values that differ from the SSOT's`, at(index, "expected")),
      );
    }
    if (result.nonce !== nonce) {
      reasons.push(reason("NONCE_MISMATCH", `probe ${result.id} carries nonce ${result.nonce}, not the one issued for this attestation (${nonce})`, at(index, "nonce")));
    }
    // An extra probe is judged against an empty expectation, which never passes.
    const expected = expectation?.expected ?? {};
    const verdict = recomputeVerdict(result.status, expected, result.actual);
    const mismatches = result.status === "measured" ? matchExpected(expected, result.actual).mismatches : [];
    if (verdict !== result.verdict) {
      reasons.push(
        reason("VERDICT_FORGED", `probe ${result.id} is stored as ${result.verdict} but its evidence says ${verdict}`, at(index, "verdict")),
      );
    }
    if (verdict !== "PASS" && expectation !== undefined) {
      reasons.push(reason("PROBE_NOT_PASS", `probe ${result.id} is ${verdict}${describeMismatches(mismatches)}`, at(index)));
    }
    probes.push({ id: result.id, verdict, stored: result.verdict, mismatches });
  });

  for (const id of wanted.keys()) {
    if (!seen.has(id)) reasons.push(reason("PROBE_MISSING", `probe ${id} has no result`, "predicate.probes"));
  }
  return { verdict: reasons.length === 0 ? "ATTESTED" : "NOT_ATTESTED", probes, reasons };
}

const MAX_NAMED = 8;
const show = (values: readonly unknown[]): string =>
  values.slice(0, MAX_NAMED).map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join("; ") + (values.length > MAX_NAMED ? `; … ${values.length - MAX_NAMED} more` : "");

/** What differs, named: extra and missing elements of a set, else the expected and actual values. */
function describeMismatches(mismatches: readonly Mismatch[]): string {
  if (mismatches.length === 0) return "";
  const parts = mismatches.map((m) => {
    if (m.extra !== undefined || m.missing !== undefined) {
      const extra = m.extra?.length ? ` extra [${show(m.extra)}]` : "";
      const missing = m.missing?.length ? ` missing [${show(m.missing)}]` : "";
      return `${m.key}:${extra}${missing}`;
    }
    return `${m.key}: expected ${JSON.stringify(m.expected).slice(0, 120)}, got ${JSON.stringify(m.actual ?? null).slice(0, 120)}`;
  });
  return ` (${parts.join("; ")})`;
}

/** Counts of verdicts, as the predicate's `summary` must state them. */
export function summarize(verdicts: readonly ProbeVerdict[]): ProbeSummary {
  const summary: ProbeSummary = { pass: 0, fail: 0, inconclusive: 0, notRunUnsafe: 0, error: 0 };
  for (const verdict of verdicts) {
    switch (verdict) {
      case "PASS":
        summary.pass += 1;
        break;
      case "FAIL":
        summary.fail += 1;
        break;
      case "INCONCLUSIVE":
        summary.inconclusive += 1;
        break;
      case "NOT_RUN_UNSAFE":
        summary.notRunUnsafe += 1;
        break;
      case "ERROR":
        summary.error += 1;
        break;
    }
  }
  return summary;
}
