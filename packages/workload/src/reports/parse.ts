import { err, type Result } from "@macro/ssot";
import { parseJunitXml } from "./junit.ts";
import { parseTap } from "./tap.ts";
import type { ParsedReport, ReportFormat } from "./types.ts";
import { parseVitestJson } from "./vitest.ts";

/** A report bigger than this is refused, not read: it comes from the project being judged. */
export const REPORT_MAX_BYTES = 64 * 1024 * 1024;

/** The report a test step wrote, in the format its declaration names, parsed from its raw bytes. */
export function parseReport(format: ReportFormat, bytes: Uint8Array): Result<ParsedReport, string> {
  if (bytes.byteLength > REPORT_MAX_BYTES) return err(`the report is ${bytes.byteLength} bytes, over the ${REPORT_MAX_BYTES}-byte limit`);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return err("the report starts with a byte-order mark");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return err("the report is not valid UTF-8");
  }
  switch (format) {
    case "vitest-json": {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        return err(`not a vitest JSON report: ${(e as Error).message}`);
      }
      return parseVitestJson(json);
    }
    case "junit-xml":
      return parseJunitXml(text);
    case "tap":
      return parseTap(text);
  }
}
