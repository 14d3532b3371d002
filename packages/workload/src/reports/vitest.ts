import * as z from "zod";
import { err, ok, type Result } from "@macro/ssot";
import type { CaseStatus, ParsedReport } from "./types.ts";

/** The part of vitest's JSON reporter output (Jest-compatible) that the verdict depends on. */
const VitestJson = z.object({
  success: z.boolean(),
  startTime: z.number().optional(),
  numFailedTests: z.number().int().nonnegative(),
  numTotalTests: z.number().int().nonnegative(),
  testResults: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      message: z.string().optional(),
      assertionResults: z.array(z.object({ fullName: z.string(), status: z.string() })),
    }),
  ),
});

/** Anything but passed or failed (skipped, pending, todo, disabled) is skipped: it proves nothing. */
function status(raw: string): CaseStatus {
  return raw === "passed" ? "passed" : raw === "failed" ? "failed" : "skipped";
}

export function parseVitestJson(json: unknown): Result<ParsedReport, string> {
  const parsed = VitestJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err(`not a vitest JSON report: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  const report = parsed.data;
  const cases = report.testResults.flatMap((file) => file.assertionResults.map((a) => ({ name: a.fullName, file: file.name, status: status(a.status) })));
  const brokenFiles = report.testResults
    .filter((file) => file.status === "failed" && file.assertionResults.every((a) => a.status !== "failed"))
    .map((file) => ({ file: file.name, message: file.message ?? "failed without a failing test" }));
  return ok({
    format: "vitest-json",
    cases,
    files: report.testResults.map((file) => file.name),
    brokenFiles,
    claimsSuccess: report.success,
    startedAtMs: report.startTime ?? null,
  });
}
