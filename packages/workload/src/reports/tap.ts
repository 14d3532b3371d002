import { Parser, type Result as TapResult } from "tap-parser";
import { err, ok, type Result } from "@macro/ssot";
import { SCRIPT_FILE as SCRIPT, type CaseStatus, type ParsedReport, type ReportedCase } from "./types.ts";

/**
 * TAP 13/14 through tap-parser, subtests included. A `# SKIP` or `# TODO` point proves nothing
 * (skipped); a bail-out, a plan the points do not meet, or a parse error fails the report.
 */
export function parseTap(text: string): Result<ParsedReport, string> {
  const cases: ReportedCase[] = [];
  const files: string[] = [];
  const problems: string[] = [];
  const root = new Parser({ strict: true });
  const listen = (parser: Parser, path: string[]) => {
    parser.on("assert", (point: TapResult) => {
      // A point that closes a subtest stands for the subtest as a whole; its children were counted.
      if (point.closingTestPoint) return;
      cases.push({ name: [...path, point.name].join(" › "), file: null, status: tapStatus(point) });
    });
    parser.on("child", (child: Parser) => {
      // A top-level subtest named like a source file is that file's tests (node --test names them so).
      if (path.length === 0 && SCRIPT.test(child.name)) files.push(child.name);
      listen(child, [...path, child.name]);
    });
    parser.on("bailout", (reason: string) => problems.push(`bail out: ${reason}`));
  };
  listen(root, []);
  let finalOk: boolean | null = null;
  root.on("complete", (results) => {
    finalOk = results.ok;
    if (!results.plan.end && results.count > 0 && !results.plan.skipAll) problems.push("no plan");
    for (const failure of results.failures) if ("tapError" in failure && failure.tapError !== null) problems.push(String(failure.tapError));
  });
  root.end(text);
  if (finalOk === null) return err("not a TAP report: the stream did not complete");
  if (problems.length > 0 && cases.length === 0) return err(`not a TAP report: ${problems.join("; ")}`);
  const broken = problems.map((message) => ({ file: "(tap stream)", message }));
  return ok({ format: "tap", cases, files, brokenFiles: broken, claimsSuccess: finalOk, startedAtMs: null });
}


function tapStatus(point: TapResult): CaseStatus {
  if (point.skip !== false || point.todo !== false) return "skipped";
  return point.ok ? "passed" : "failed";
}
