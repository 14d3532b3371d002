// Runs test/junit/*.test.js with Node's test runner and writes JUnit XML: one <testsuite> per
// file (named and attributed by its path, which Node's own junit reporter leaves out), one
// <testcase> per test. Written in one write(2): the sandbox's seccomp allowlist has no writev.
import { readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { run } from "node:test";

const [report = "/out/junit.xml"] = process.argv.slice(2);
const files = readdirSync("test/junit").filter((f) => f.endsWith(".test.js")).sort().map((f) => join("test/junit", f));
const byFile = new Map(files.map((f) => [f, []]));
const xml = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
let failed = false;

const record = (status) => (data) => {
  if (data.details?.type === "suite") return;
  const file = data.file === undefined ? "(unknown file)" : relative(process.cwd(), data.file);
  if (!byFile.has(file)) byFile.set(file, []);
  if (status === "failed") failed = true;
  byFile.get(file).push({ name: data.name, status: data.skip !== undefined || data.todo !== undefined ? "skipped" : status, message: data.details?.error?.message });
};

const pass = record("passed");
const fail = record("failed");
const stream = run({ files });
// Reading the stream is what drives it: events arrive as { type, data } objects.
stream.on("data", (event) => {
  if (event.type === "test:pass") pass(event.data);
  else if (event.type === "test:fail") fail(event.data);
});
stream.on("end", () => {
  const suites = [...byFile].map(([file, cases]) => {
    const body = cases.map((c) =>
      c.status === "passed" ? `    <testcase name="${xml(c.name)}"/>`
      : c.status === "skipped" ? `    <testcase name="${xml(c.name)}"><skipped/></testcase>`
      : `    <testcase name="${xml(c.name)}"><failure message="${xml(c.message ?? "failed")}"/></testcase>`);
    const failures = cases.filter((c) => c.status === "failed").length;
    return `  <testsuite name="${xml(file)}" file="${xml(file)}" tests="${cases.length}" failures="${failures}" timestamp="${new Date().toISOString()}">\n${body.join("\n")}\n  </testsuite>`;
  });
  writeFileSync(report, `<?xml version="1.0" encoding="utf-8"?>\n<testsuites>\n${suites.join("\n")}\n</testsuites>\n`);
  process.exitCode = failed ? 1 : 0;
});
