// The project's own small TAP harness: each test/tap/*.t.js exports [name, fn] pairs; a thrown
// error is a failure, a name with "# SKIP" is skipped. Writes TAP 13 with one top-level subtest
// per file, named by its path (as node --test does), so a report names the files it ran.
import { readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const [report = "/out/report.tap"] = process.argv.slice(2);
const files = readdirSync("test/tap").filter((f) => f.endsWith(".t.js")).sort().map((f) => join("test/tap", f));
const lines = ["TAP version 13"];
let failedAny = false;
for (const [i, file] of files.entries()) {
  const { tests } = await import(resolve(file));
  const inner = [];
  let failed = 0;
  for (const [j, [name, fn]] of tests.entries()) {
    if (/# SKIP/.test(name)) {
      inner.push(`ok ${j + 1} - ${name}`);
      continue;
    }
    try {
      await fn();
      inner.push(`ok ${j + 1} - ${name}`);
    } catch (e) {
      failed += 1;
      inner.push(`not ok ${j + 1} - ${name}`, "  ---", `  message: ${JSON.stringify(String(e?.message ?? e))}`, "  ...");
    }
  }
  inner.push(`1..${tests.length}`);
  lines.push(`# Subtest: ${file}`, ...inner.map((l) => `    ${l}`), `${failed > 0 ? "not ok" : "ok"} ${i + 1} - ${file}`);
  if (failed > 0) failedAny = true;
}
lines.push(`1..${files.length}`);
writeFileSync(report, `${lines.join("\n")}\n`);
process.exitCode = failedAny ? 1 : 0;
