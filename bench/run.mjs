// `pnpm bench`: every benchmark under bench/, each printing its figures and its ratio to a
// baseline measured in the same run. Benchmarks never run as part of `pnpm test`.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { root } from "./lib.mjs";

const only = process.argv.slice(2);
const all = ["blocked-path", "selftest", "attest", "inspect"];
let failed = 0;
for (const name of only.length > 0 ? only : all) {
  const file = join(root, "bench", `${name}.mjs`);
  if (!existsSync(file)) {
    process.stdout.write(`\n## ${name}\n  not built yet (bench/${name}.mjs missing)\n`);
    failed += 1;
    continue;
  }
  const result = spawnSync(process.execPath, [file], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) failed += 1;
}
process.exitCode = failed === 0 ? 0 : 1;
