import { resolve } from "node:path";
import { ExitCode, InputError } from "@macro/ssot";
import { trustedKeys } from "@macro/attest";
import { ssotArg } from "../lib/args.ts";
import { macroCommand } from "../lib/command.ts";
import { ioFrom } from "../lib/io.ts";
import { evidenceKeys } from "../lib/keys.ts";
import { resolvePaths } from "../lib/paths.ts";
import { loadInputs } from "../lib/prepare.ts";
import { verifyAnything } from "../verify/detect.ts";
import { passed } from "../verify/types.ts";

export default macroCommand({
  meta: {
    name: "verify",
    description: "Verify an attestation bundle, a run record or the ledger read-only, from scratch (exit 0 accepted, 3 rejected, 2 unreadable)",
  },
  args: {
    file: { type: "positional", description: "An attestation bundle, a run record (reports/run-record-*.json) or a ledger (reports/ledger.ndjson)", required: true },
    key: { type: "string", description: "An extra trusted ed25519 public key (PEM), for bundles", valueHint: "FILE" },
    ssot: ssotArg,
    json: { type: "boolean", description: "Print the machine-readable verdict on stdout", default: false },
  },
  async run({ args, data }) {
    const io = ioFrom(data);
    const paths = resolvePaths(io, args.ssot);
    const extraKeys = args.key === undefined ? [] : [resolve(io.cwd, args.key)];
    const { loaded } = await loadInputs(io, paths, { publicKeys: extraKeys });
    const keys = await evidenceKeys(loaded);
    const extra = (await trustedKeys(loaded, extraKeys)).slice(loaded.ssot.sandbox.signing.trustedKeys.length);
    const file = resolve(io.cwd, args.file);
    // Whatever it is, it is read through the one bounded reader: unreadable is exit 2, nothing judged.
    const result = await verifyAnything(file, loaded, keys, extra, new Date());
    if ("unreadable" in result) throw new InputError(result.unreadable.code, result.unreadable.message, { file });
    const ok = passed(result);
    if (args.json) {
      io.stdout.write(`${JSON.stringify({ file, kind: result.kind, accepted: ok, checks: result.checks, limits: result.limits }, null, 2)}\n`);
    } else {
      const lines = [`${ok ? "ACCEPTED" : "REJECTED"} — ${result.kind} ${file}`];
      for (const c of result.checks) {
        lines.push(`  ${c.ok ? "✔" : "✖"} ${c.name}`);
        for (const r of c.reasons) lines.push(`      ${r.code}: ${r.message}`);
      }
      for (const limit of result.limits) lines.push(`  note: ${limit}`);
      io.stdout.write(`${lines.join("\n")}\n`);
    }
    return ok ? ExitCode.closed : ExitCode.blocked;
  },
});
