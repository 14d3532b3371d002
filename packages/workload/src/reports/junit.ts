import { XMLParser, XMLValidator } from "fast-xml-parser";
import { err, ok, type Result } from "@macro/ssot";
import { SCRIPT_FILE as SCRIPT, type CaseStatus, type ParsedReport, type ReportedCase } from "./types.ts";

type Node = Record<string, unknown>;

const ARRAYS = new Set(["testsuite", "testcase", "failure", "error", "skipped"]);

/**
 * JUnit XML as the common runners write it (a `testsuites` root or a lone `testsuite`, nested
 * suites allowed). Entities are not expanded and DOCTYPEs are refused: a report is data from the
 * judged project, so it gets no way to make the parser read files or blow up.
 */
export function parseJunitXml(text: string): Result<ParsedReport, string> {
  if (/<!DOCTYPE/i.test(text)) return err("not a JUnit report: a DOCTYPE is not allowed");
  const valid = XMLValidator.validate(text);
  if (valid !== true) return err(`not a JUnit report: invalid XML at line ${valid.err.line}: ${valid.err.msg}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    processEntities: false,
    parseAttributeValue: false,
    parseTagValue: false,
    isArray: (name) => ARRAYS.has(name),
  });
  const doc = parser.parse(text) as Node;
  const roots = rootSuites(doc);
  if (roots === null) return err("not a JUnit report: no <testsuites> or <testsuite> root");
  const cases: ReportedCase[] = [];
  const files = new Set<string>();
  let started: number | null = null;
  // The counts a runner writes on any suite (or on the root) are its own claim about the run.
  const counted = (node: Node) => Number(attr(node, "failures") ?? 0) + Number(attr(node, "errors") ?? 0) > 0;
  let claimsFailure = typeof doc.testsuites === "object" && doc.testsuites !== null && counted(doc.testsuites as Node);
  const walk = (suite: Node, path: string[]) => {
    if (counted(suite)) claimsFailure = true;
    const name = attr(suite, "name");
    const here = name === null ? path : [...path, name];
    const file = attr(suite, "file") ?? (name !== null && SCRIPT.test(name) ? name : null);
    if (file !== null) files.add(file);
    const stamp = attr(suite, "timestamp");
    const ms = stamp === null ? NaN : Date.parse(stamp.endsWith("Z") || /[+-]\d\d:?\d\d$/.test(stamp) ? stamp : `${stamp}Z`);
    if (!Number.isNaN(ms)) started = started === null ? ms : Math.min(started, ms);
    for (const c of list(suite.testcase)) {
      const caseFile = attr(c, "file") ?? file;
      if (caseFile !== null) files.add(caseFile);
      const title = attr(c, "name") ?? "";
      const cls = attr(c, "classname");
      cases.push({ name: [...(cls !== null && !here.includes(cls) ? [cls] : here), title].filter((p) => p !== "").join(" › "), file: caseFile, status: caseStatus(c) });
    }
    for (const child of list(suite.testsuite)) walk(child, here);
  };
  for (const root of roots) walk(root, []);
  return ok({ format: "junit-xml", cases, files: [...files], brokenFiles: [], claimsSuccess: !claimsFailure, startedAtMs: started });
}

/**
 * The suites to walk. A `<testsuites>` root may also hold bare `<testcase>`s (Node's own junit
 * reporter writes them so): they are walked as one nameless suite.
 */
function rootSuites(doc: Node): Node[] | null {
  const suites = doc.testsuites;
  if (typeof suites === "object" && suites !== null) {
    const root = suites as Node;
    return [...list(root.testsuite), ...(list(root.testcase).length > 0 ? [{ testcase: root.testcase }] : [])];
  }
  if (doc.testsuites === "") return [];
  return doc.testsuite === undefined ? null : list(doc.testsuite);
}


/** A failure or an error is a failure; a skip is a skip; anything else that ran passed. */
function caseStatus(c: Node): CaseStatus {
  if (list(c.failure).length > 0 || list(c.error).length > 0) return "failed";
  if (list(c.skipped).length > 0) return "skipped";
  return "passed";
}

function list(value: unknown): Node[] {
  if (!Array.isArray(value)) return [];
  return value.map((v) => (typeof v === "object" && v !== null ? (v as Node) : {}));
}

function attr(node: Node, name: string): string | null {
  const value = node[`@${name}`];
  return typeof value === "string" ? value : null;
}
