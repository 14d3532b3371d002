import { ProbeReport, err, ok, type Result } from "@macro/ssot";

/**
 * The probe program's stdout as this run's report: one JSON ProbeReport carrying the nonce
 * the attester issued. A report with another nonce was not produced by this run (output
 * recorded in an earlier container, replayed by an engine that swapped the command) and is
 * rejected whole; each result's own nonce is then checked by the judge.
 */
export function acceptReport(stdout: string, nonce: string): Result<ProbeReport, string> {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    return err("stdout is not one JSON document");
  }
  const parsed = ProbeReport.safeParse(json);
  if (!parsed.success) return err(`stdout is not a probe report: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  if (parsed.data.nonce !== nonce) return err(`the report carries nonce ${parsed.data.nonce}, not the one issued for this run (${nonce})`);
  return ok(parsed.data);
}
