import { resolve } from "node:path";
import { InputError, ExitCode } from "@macro/ssot";
import { memoryRecorder } from "@macro/sandbox";
import { attestSandbox, loadVariant, readKey } from "@macro/attest";
import { ssotArg, jsonArg } from "../lib/args.ts";
import { macroCommand } from "../lib/command.ts";
import { ioFrom } from "../lib/io.ts";
import { resolvePaths } from "../lib/paths.ts";
import { loadInputs } from "../lib/prepare.ts";
import { classifyHere } from "../lib/venue.ts";
import { abortable } from "../lib/abortable.ts";

export default macroCommand({
  meta: { name: "attest", description: "B4′ alone, for an operator: build the offline image, run the probes in one throwaway container, write the bundle (exit 0 attested, 3 not)" },
  args: {
    venue: { type: "string", description: "The approved venue you are on (must match what is observed)", valueHint: "ID" },
    profile: { type: "string", description: "Run flags that replace the SSOT's, to see what a weaker sandbox gets", valueHint: "FILE" },
    key: { type: "string", description: "ed25519 private key (PEM) to sign the bundle as DSSE; default: the SSOT's signing.signingKey", valueHint: "FILE" },
    ssot: ssotArg,
    json: jsonArg,
  },
  async run({ args, data }) {
    const io = ioFrom(data);
    const paths = resolvePaths(io, args.ssot);
    const { loaded, venueSource } = await abortable(loadInputs(io, paths, args.key === undefined ? {} : { privateKey: args.key }), io.signal);
    const variant = args.profile === undefined ? null : await loadVariant(resolve(io.cwd, args.profile), loaded.ssot);
    const { verdict, facts } = await abortable(classifyHere(loaded, venueSource), io.signal);
    if (args.venue !== undefined && args.venue !== verdict.venueId) {
      throw new InputError("VENUE_MISMATCH", `--venue ${args.venue} does not match the observed venue (${verdict.venueId ?? verdict.class}): ${verdict.reason}`);
    }
    if (verdict.class !== "approved" || verdict.venueId === null) {
      io.stderr.write(`macro attest: not attesting on this venue: ${verdict.reason}\n`);
      return ExitCode.blocked;
    }
    const signingKey = args.key ?? loaded.ssot.sandbox.signing.signingKey;
    const recorder = memoryRecorder();
    const result = await attestSandbox({
      loaded,
      reportsDir: paths.reportsDir,
      env: io.env,
      recorder,
      venue: { id: verdict.venueId, class: verdict.class, facts: facts.filter((f) => ["platform", "ci.isCI", "ci.name", "host.hostId"].includes(f.id)) },
      runId: null,
      variant,
      signingKeyPem: await readKey(signingKey === null ? null : resolve(loaded.dir, signingKey)),
      now: () => new Date(),
      signal: io.signal,
    });
    if (!result.ok) {
      io.stderr.write(`macro attest: ${result.error.code}: ${result.error.message}\n`);
      return ExitCode.blocked;
    }
    const { judgement, bundlePath, attested, containerMs, imageBuilt } = result.value;
    if (args.json) {
      io.stdout.write(`${JSON.stringify({ attested, bundle: bundlePath, probes: judgement.probes.map((p) => ({ id: p.id, verdict: p.verdict, mismatches: p.mismatches })), reasons: judgement.reasons, sideEffects: recorder.effects, timing: { containerMs, imageBuilt } }, null, 2)}\n`);
    } else {
      for (const p of judgement.probes) {
        const detail = p.mismatches.map((m) => `${m.key}: expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`).join("; ");
        io.stdout.write(`${p.verdict === "PASS" ? "✔" : "✖"} ${p.id.padEnd(28)} ${p.verdict}${detail === "" ? "" : `  ${detail}`}\n`);
      }
      io.stdout.write(`${attested ? "ATTESTED" : "NOT ATTESTED"} — bundle: ${bundlePath}\n`);
    }
    return attested ? ExitCode.closed : ExitCode.blocked;
  },
});
