// Leaks on purpose, in the way LEAK names; run only by guard.test.ts, in a child vitest.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ownerLabelArgs, tempDirSync } from "../../src/index.ts";

const leak = process.env["LEAK"] ?? "none";

it(`leaks: ${leak}`, () => {
  // Cleaned up properly, in every mode: never reported.
  writeFileSync(join(tempDirSync("macro-clean-"), "f"), "x");
  if (leak === "temp") mkdtempSync(join(tmpdir(), "inspector-leak-"));
  if (leak === "temp-file") writeFileSync(join(tmpdir(), "macro-leak.json"), "{}");
  if (leak === "shared") writeFileSync(join(process.env["LEAK_SHARED_DIR"] ?? "/nonexistent", "tki-outside-leak"), "x");
  if (leak === "network") {
    execFileSync("docker", ["network", "create", ...ownerLabelArgs(), `macro-leak-${process.pid}`], { stdio: "ignore" });
  }
  expect(true).toBe(true);
});
