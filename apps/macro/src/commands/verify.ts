import { resolve } from "node:path";
import { ExitCode, orInputError, readInput } from "@macro/ssot";
import { trustedKeys, verifyBundleFile } from "@macro/attest";
import { ssotArg } from "../lib/args.ts";
import { macroCommand } from "../lib/command.ts";
import { ioFrom } from "../lib/io.ts";
import { resolvePaths } from "../lib/paths.ts";
import { loadInputs } from "../lib/prepare.ts";

export default macroCommand({
  meta: { name: "verify", description: "Verify an attestation bundle read-only against the SSOT and the local boundary files (exit 0 accepted, 3 rejected)" },
  args: {
    bundle: { type: "positional", description: "The evidence bundle (a Statement or a DSSE envelope)", required: true },
    key: { type: "string", description: "An extra trusted ed25519 public key (PEM)", valueHint: "FILE" },
    ssot: ssotArg,
    json: { type: "boolean", description: "Print the machine-readable verdict on stdout", default: false },
  },
  async run({ args, data }) {
    const io = ioFrom(data);
    const paths = resolvePaths(io, args.ssot);
    const extraKeys = args.key === undefined ? [] : [resolve(io.cwd, args.key)];
    const { loaded } = await loadInputs(io, paths, { publicKeys: extraKeys });
    const bundle = resolve(io.cwd, args.bundle);
    // The bundle is an input too: a FIFO, a device or a huge file is exit 2 before it is read.
    orInputError(await readInput(bundle, { kind: "bundle", shown: args.bundle }));
    const keys = await trustedKeys(loaded, extraKeys);
    const verdict = await verifyBundleFile(loaded, bundle, keys, new Date());
    if (args.json) {
      io.stdout.write(`${JSON.stringify({ bundle, accepted: verdict.accepted, venue: verdict.venueId, signed: verdict.signed, sha256: verdict.bundleSha256, reasons: verdict.reasons }, null, 2)}\n`);
    } else if (verdict.accepted) {
      io.stdout.write(`ACCEPTED — ${bundle} (venue ${verdict.venueId ?? "?"}, ${verdict.signed ? "signed" : "unsigned"}, sha256 ${verdict.bundleSha256})\n`);
    } else {
      io.stdout.write(`REJECTED — ${bundle}\n${verdict.reasons.map((r) => `  ${r.code}: ${r.message}`).join("\n")}\n`);
    }
    return verdict.accepted ? ExitCode.closed : ExitCode.blocked;
  },
});
