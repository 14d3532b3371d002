import { join } from "node:path";
import { findLatestPacket, readLedger, runRecordName } from "@macro/report";
import { lstat } from "node:fs/promises";
import { ExitCode, InputError, formatSsotError, loadSsot } from "@macro/ssot";
import { readEvidenceFile, reasonOf } from "@macro/verifier";
import { ssotArg } from "../lib/args.ts";
import { macroCommand } from "../lib/command.ts";
import { ioFrom } from "../lib/io.ts";
import { evidenceKeys } from "../lib/keys.ts";
import { resolvePaths } from "../lib/paths.ts";
import { verifyLedgerFile } from "../verify/ledger.ts";
import { verifyRunRecord } from "../verify/run-record.ts";
import { check, passed, type Verification } from "../verify/types.ts";

export default macroCommand({
  meta: { name: "status", description: "Where the last blocked run stopped, after verifying the ledger and every run record in it (exit 0, or 3 naming what does not verify)" },
  args: {
    ssot: ssotArg,
    json: { type: "boolean", description: "Print the machine-readable status on stdout", default: false },
  },
  async run({ args, data }) {
    const io = ioFrom(data);
    const paths = resolvePaths(io, args.ssot);
    // The SSOT only (for its keys): status observes no venue.
    const ssot = await loadSsot(paths.ssot);
    if (!ssot.ok) throw new InputError(ssot.error.code, formatSsotError(ssot.error), { file: ssot.error.file });
    const loaded = ssot.value;
    const keys = await evidenceKeys(loaded);
    // The ledger is verified every time, from its first entry, and every run record it pins.
    const ledgerPath = join(paths.reportsDir, "ledger.ndjson");
    const present = await lstat(ledgerPath).then(
      () => true,
      (error: NodeJS.ErrnoException) => error.code !== "ENOENT",
    );
    const verifications: Verification[] = [];
    if (present) {
      const ledger = await verifyLedgerFile(ledgerPath, keys);
      verifications.push(ledger);
      const read = readLedger(ledgerPath, keys.ledger.verifier);
      if (read.ok && passed(ledger)) {
        for (const entry of read.value.entries) {
          const file = join(paths.reportsDir, runRecordName(entry.runId, entry.recordSha256));
          const bytes = await readEvidenceFile(file);
          if (bytes.ok) verifications.push(await verifyRunRecord(file, bytes.value, loaded, keys));
        }
      }
    }
    // A pointer or packet that no longer matches is tampered evidence (3, named), not bad input;
    // one that cannot be read at all (a FIFO, a device) stays an input error (2).
    let packet: Awaited<ReturnType<typeof findLatestPacket>> = null;
    try {
      packet = await findLatestPacket(paths.reportsDir);
    } catch (error) {
      if (!(error instanceof InputError) || !/^(LATEST_|JSON_INVALID)/.test(error.code)) throw error;
      verifications.push({ kind: "run-record", file: join(paths.reportsDir, "latest-blocker.json"), checks: [check("latest blocker packet", [reasonOf(error.code, error.message)])], limits: [] });
    }
    const failing = verifications.filter((v) => !passed(v));
    const limits = [...new Set(verifications.flatMap((v) => v.limits))];
    if (args.json) {
      io.stdout.write(
        `${JSON.stringify(
          {
            verified: failing.length === 0,
            ledger: present ? { path: ledgerPath, records: verifications.filter((v) => v.kind === "run-record").length } : null,
            failures: failing.map((v) => ({ kind: v.kind, file: v.file, checks: v.checks.filter((c) => !c.ok) })),
            limits,
            ...(packet === null ? { blocked: false } : { blocked: true, runId: packet.runId, stoppedAt: packet.stoppedAt, blocker: packet.blocker, packet: packet.renderings, nextActions: packet.nextActions }),
          },
          null,
          2,
        )}\n`,
      );
      return failing.length === 0 ? ExitCode.closed : ExitCode.blocked;
    }
    const lines: string[] = [];
    if (!present) lines.push("Ledger: none yet (no run has been recorded in reports/).");
    else if (failing.length === 0) lines.push(`Ledger: verified from its first entry, with ${verifications.length - 1} run record(s) and their evidence.`);
    for (const v of failing) {
      lines.push(`DOES NOT VERIFY — ${v.kind} ${v.file}`);
      for (const c of v.checks.filter((x) => !x.ok)) for (const r of c.reasons) lines.push(`  ${r.code}: ${r.message}`);
    }
    for (const limit of limits) lines.push(`  note: ${limit}`);
    if (packet === null) {
      lines.push("No blocked run on record: the last run closed, or none has run yet (reports/).");
    } else {
      const first = packet.nextActions[0];
      lines.push(
        `Last run ${packet.runId}: BLOCKED at ${packet.stoppedAt.track} (${packet.stoppedAt.trackTitle})`,
        `  blocker: ${packet.blocker.id} — ${packet.blocker.title} [${packet.blocker.class.join(", ")}] (${packet.blocker.continuity})`,
        `  why:     ${packet.stoppedAt.why}`,
        `  packet:  ${packet.renderings?.markdownPath ?? "(not rendered)"}`,
      );
      if (first !== undefined) lines.push(`  next:    ${first.owner}: ${first.commands.join(" && ")}`);
    }
    io.stdout.write(`${lines.join("\n")}\n`);
    return failing.length === 0 ? ExitCode.closed : ExitCode.blocked;
  },
});
