import { afterEach, describe, expect, it } from "vitest";
import { cleanup, listFiles, macro, type CliRun } from "./harness.ts";

const runs: CliRun[] = [];
afterEach(() => {
  for (const run of runs.splice(0)) cleanup(run);
});
const track = (run: CliRun): CliRun => {
  runs.push(run);
  return run;
};

// Issue 12 item 3: an SSOT weaker than the floor in code is an input error at load — exit 2,
// the field and the floor named, nothing written — whatever venue or engine there is.
describe("macro › the floor no SSOT can lower", () => {
  const WEAKENED = "fixtures/ssot/weakened/macro.yaml";
  for (const command of [["run"], ["attest"], ["verify", "fixtures/bundles/good-unsigned.json"]]) {
    it(`${command[0] ?? ""}: the weakened SSOT (allow-all seccomp, capAdd ALL, no limits, engine socket, copied expectations) exits 2 and writes nothing`, () => {
      const run = track(macro([...command, "--ssot", WEAKENED], { CI: "true" }));
      expect(run.status).toBe(2);
      expect(run.stderr).toContain("SSOT_BELOW_FLOOR");
      for (const line of [
        "sandbox.runFlags.capAdd: [ALL] is weaker than the floor (no capabilities)",
        "sandbox.runFlags.pidsLimit: null is weaker than the floor",
        "sandbox.runFlags.memory: null is weaker than the floor",
        'defaultAction: "SCMP_ACT_ALLOW" is weaker than the floor',
        "sandbox.runFlags.mounts[0].source",
        'sandbox.probes[7].expected.capEff: "000001ffffffffff" is weaker than the floor ("0000000000000000")',
      ]) {
        expect(run.stderr).toContain(line);
      }
      expect([listFiles(run.reports), listFiles(run.checkpoints)]).toEqual([[], []]);
    });
  }
});
