import { dirname, resolve } from "node:path";
import { ExitCode } from "@macro/ssot";
import { memoryRecorder } from "@macro/sandbox";
import { attestSandbox } from "@macro/attest";
import { generateKeyPair, spkiBase64 } from "@macro/verifier";
import { inspectInSandbox } from "../mvp/inspect.ts";
import { ssotArg } from "../lib/args.ts";
import { macroCommand } from "../lib/command.ts";
import { ioFrom } from "../lib/io.ts";
import { newRunId, resolvePaths } from "../lib/paths.ts";
import { loadInputs } from "../lib/prepare.ts";
import { classifyHere } from "../lib/venue.ts";
import { abortable } from "../lib/abortable.ts";
import { checkOutDir, checkPacketDir } from "../lib/out-dir.ts";
import { traceCommand, withLeft } from "../lib/left.ts";

export default macroCommand({
  meta: { name: "inspect", description: "Inspect a knowledge-base packet with tki-inspector inside a freshly attested throwaway sandbox (exit code passed through: 0 report, 2 bad packet, 3 blocked)" },
  args: {
    packet: { type: "positional", description: "The packet folder (manifest.json, schema.json, data/)", required: true },
    out: { type: "string", description: "A new or empty directory for report.json and report.md (macro copies them there; the sandbox never sees it)", valueHint: "DIR", required: true },
    ssot: ssotArg,
    json: { type: "boolean", description: "Ask the inspector for a JSON summary on stdout", default: false },
  },
  async run({ args, data }) {
    const io = ioFrom(data);
    const paths = resolvePaths(io, args.ssot);
    // Both paths judged before anything is read, attested or written: a bad one is exit 2, no trace.
    const packetDir = await checkPacketDir(args.packet, io.cwd);
    const repoDir = dirname(paths.ssot);
    const out = await checkOutDir(String(args.out), { cwd: io.cwd, packetDir, repoDir });
    const { loaded, venueSource } = await abortable(loadInputs(io, paths), io.signal);
    const { verdict } = await abortable(classifyHere(loaded, venueSource), io.signal);
    if (verdict.class !== "approved" || verdict.venueId === null) {
      io.stderr.write(`macro inspect: BLOCKED: not an approved venue: ${verdict.reason}\n`);
      return ExitCode.blocked;
    }
    const runId = newRunId(new Date());
    const recorder = memoryRecorder();
    // An ephemeral key for this invocation only: it signs the attestation, and the inspector is
    // told its public half, so only an attestation made right here lets it run.
    const runKey = generateKeyPair();
    const trace = traceCommand(io, paths, [resolve(io.cwd, args.out)]);
    let stdout = "";
    try {
      // The inspector refuses to run without an attestation bound to this very run.
      const attested = await attestSandbox({
        loaded,
        reportsDir: paths.reportsDir,
        env: io.env,
        recorder,
        venue: { id: verdict.venueId, class: verdict.class, facts: [] },
        runId,
        variant: { name: `inspect-${runId}`, runFlags: loaded.ssot.sandbox.runFlags },
        signingKeyPem: null,
        runKeyPem: runKey.privateKeyPem,
        now: () => new Date(),
        signal: io.signal,
      });
      if (!attested.ok || !attested.value.attested) {
        io.stderr.write(`macro inspect: BLOCKED: the sandbox is not attested: ${attested.ok ? attested.value.judgement.reasons.map((r) => r.code).join(", ") : attested.error.message}\n`);
        return ExitCode.blocked;
      }
      const run = await inspectInSandbox({
        engine: attested.value.engine,
        image: attested.value.imageRef,
        loaded,
        packetDir,
        out,
        repoDir,
        cwd: io.cwd,
        attestation: { path: attested.value.bundlePath, publicKey: spkiBase64(runKey.publicKeyPem) },
        runId,
        recorder,
        json: args.json,
        signal: io.signal,
      });
      if (!run.ok) {
        io.stderr.write(`macro inspect: BLOCKED: ${run.error.code}: ${run.error.message}\n`);
        return ExitCode.blocked;
      }
      stdout = run.value.stdout;
      io.stderr.write(run.value.stderr);
      return run.value.exitCode;
    } finally {
      // The inspector's --json summary, or its text, then; with --json, what this command left where.
      const left = await trace.close(recorder.effects, loaded.ssot.sandbox.image);
      io.stdout.write(args.json ? withLeft(stdout, left) : stdout);
    }
  },
});
