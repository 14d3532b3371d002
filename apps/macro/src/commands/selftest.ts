import { ExitCode, InputError, formatSsotError, loadSsot } from "@macro/ssot";
import { ssotArg } from "../lib/args.ts";
import { macroCommand } from "../lib/command.ts";
import { ioFrom } from "../lib/io.ts";
import { resolvePaths } from "../lib/paths.ts";
import { runSelftest, selftestTable } from "../selftest/selftest.ts";

export default macroCommand({
  meta: { name: "selftest", description: "Run the conformance kit (every fake-green class) against the real verifier and binder; exit 0 when every case comes out as expected, 1 when one does not" },
  args: {
    ssot: ssotArg,
    json: { type: "boolean", description: "Print the results as JSON on stdout", default: false },
  },
  async run({ args, data }) {
    const io = ioFrom(data);
    const paths = resolvePaths(io, args.ssot);
    const ssot = await loadSsot(paths.ssot);
    if (!ssot.ok) throw new InputError(ssot.error.code, formatSsotError(ssot.error), { file: ssot.error.file });
    const test = runSelftest(ssot.value.ssot);
    const accepted = test.results.filter((r) => r.expected === "rejected" && r.actual === "accepted").length;
    const crashed = test.results.filter((r) => r.actual === "crashed").length;
    if (args.json) {
      io.stdout.write(`${JSON.stringify({ ok: test.failures.length === 0, cases: test.results.length, accepted, crashed, ms: Math.round(test.ms), results: test.results }, null, 2)}\n`);
    } else {
      io.stdout.write(`${selftestTable(test.results)}\n\n`);
      io.stdout.write(`${test.results.length} cases in ${Math.round(test.ms)} ms: ${accepted} tampered case(s) accepted, ${crashed} crash(es), ${test.failures.length} not as expected.\n`);
    }
    return test.failures.length === 0 ? ExitCode.closed : ExitCode.internal;
  },
});
