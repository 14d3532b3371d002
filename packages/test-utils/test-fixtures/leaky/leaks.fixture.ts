// Leaks on purpose, in the way LEAK names; run only by guard.test.ts, in a child vitest.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ownerLabelArgs, tempDirSync } from "../../src/index.ts";

const leak = process.env["LEAK"] ?? "none";

it(`leaks: ${leak}`, () => {
  // Cleaned up properly, in every mode: never reported.
  const clean = join(tempDirSync("macro-clean-"), "f");
  writeFileSync(clean, "x");
  if (leak === "temp") mkdtempSync(join(tmpdir(), "inspector-leak-"));
  if (leak === "temp-file") writeFileSync(join(tmpdir(), "macro-leak.json"), "{}");
  if (leak === "shared") writeFileSync(join(process.env["LEAK_SHARED_DIR"] ?? "/nonexistent", "tki-outside-leak"), "x");
  if (leak === "network") {
    execFileSync("docker", ["network", "create", ...ownerLabelArgs(), `macro-leak-${process.pid}`], { stdio: "ignore" });
  }
  // The fixture's subject is what survives it; this only proves the clean write happened.
  expect(existsSync(clean)).toBe(true);
});
