import { existsSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { writeFileAtomic } from "@macro/report";
import { ExitCode, InputError } from "@macro/ssot";
import { generateKeyPair } from "@macro/verifier";
import { macroCommand } from "../lib/command.ts";
import { ioFrom } from "../lib/io.ts";

export default macroCommand({
  meta: { name: "keygen", description: "Make an ed25519 key pair for signing attestation bundles (DSSE); never overwrites a key" },
  args: {
    out: { type: "string", description: "Folder for attest-signing.key (0600) and attest-signing.pub", valueHint: "DIR", required: true },
  },
  async run({ args, data }) {
    const io = ioFrom(data);
    const dir = resolve(io.cwd, args.out);
    const privatePath = join(dir, "attest-signing.key");
    const publicPath = join(dir, "attest-signing.pub");
    for (const path of [privatePath, publicPath]) {
      if (existsSync(path)) throw new InputError("KEY_EXISTS", `${path} already exists; keygen never replaces a key`, { file: path });
    }
    const pair = generateKeyPair();
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(privatePath, pair.privateKeyPem);
    await chmod(privatePath, 0o600);
    await writeFileAtomic(publicPath, pair.publicKeyPem);
    io.stdout.write(
      [
        `key id ${pair.keyid}`,
        `  private: ${relative(io.cwd, privatePath)} (keep it on the operator's venue; sign with: pnpm macro attest --key ${relative(io.cwd, privatePath)})`,
        `  public:  ${relative(io.cwd, publicPath)} (add it to macro.yaml sandbox.signing.trustedKeys; set signing.required to insist on it)`,
        "",
      ].join("\n"),
    );
    return ExitCode.closed;
  },
});
