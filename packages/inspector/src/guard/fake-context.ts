import { createHash, createPrivateKey, createPublicKey, sign } from "node:crypto";
import type { GuardContext } from "./context.ts";

// Test support: a context that looks like the deny-by-default sandbox, with every
// observation overridable. Lives beside the tests; not exported from the package face.

export const SANDBOX_MOUNTINFO = [
  "600 500 0:50 / / ro,relatime master:1 - overlay overlay ro,lowerdir=/l,upperdir=/u,workdir=/w",
  "601 600 0:51 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw",
  "602 600 0:52 / /tmp rw,nosuid,nodev,noexec - tmpfs tmpfs rw,size=65536k",
].join("\n");

export const SANDBOX_STATUS = ["Name:\tnode", "Uid:\t65534\t65534\t65534\t65534", "NoNewPrivs:\t1", "Seccomp:\t2", "Seccomp_filters:\t1"].join("\n");

export const RUN_ID = "run-2026-11-28T09-30-00Z-abc123";
export const ATTESTATION_PATH = "/in/attestation.json";

export function statement(overrides: { verdict?: string; runId?: string; predicateType?: string } = {}): string {
  return JSON.stringify({
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: "tki-inspector:attest", digest: { sha256: "0".repeat(64) } }],
    predicateType: overrides.predicateType ?? "https://macro.dev/sandbox-attestation/v1",
    predicate: { verdict: overrides.verdict ?? "ATTESTED", runId: overrides.runId ?? RUN_ID, venue: "V1" },
  });
}

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** A run's ephemeral key, deterministic from a label so the tests are stable. */
export function runKey(label = "the run"): { privateKey: ReturnType<typeof createPrivateKey>; spki: string } {
  const seed = createHash("sha256").update(`guard test key: ${label}`).digest();
  const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), seed]), format: "der", type: "pkcs8" });
  return { privateKey, spki: createPublicKey(privateKey).export({ type: "spki", format: "der" }).toString("base64") };
}

export const RUN_KEY = runKey();

/** A DSSE envelope over `payload`, signed as the run signs its attestation. */
export function envelope(payload: string, key = RUN_KEY, extra: Record<string, unknown> = {}): string {
  const bytes = Buffer.from(payload, "utf8");
  const type = "application/vnd.in-toto+json";
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${bytes.length} `), bytes]);
  return JSON.stringify({ payloadType: type, payload: bytes.toString("base64"), signatures: [{ sig: sign(null, pae, key.privateKey).toString("base64") }], ...extra });
}

export interface FakeOptions {
  files?: Record<string, string>;
  dirs?: Record<string, string[]>;
  uid?: number;
  env?: Record<string, string | undefined>;
  attestation?: string | null;
  inputs?: GuardContext["inputs"];
}

export function fakeContext(options: FakeOptions = {}): GuardContext {
  const attestation = options.attestation === undefined ? envelope(statement()) : options.attestation;
  const files: Record<string, string> = {
    "/proc/self/mountinfo": SANDBOX_MOUNTINFO,
    "/proc/self/status": SANDBOX_STATUS,
    ...(attestation === null ? {} : { [ATTESTATION_PATH]: attestation }),
    ...options.files,
  };
  const dirs: Record<string, string[]> = { "/sys/class/net": ["lo"], ...options.dirs };
  const missing = (path: string): Error => Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
  return {
    inputs: options.inputs ?? {
      attestationFile: ATTESTATION_PATH,
      attestationKey: RUN_KEY.spki,
      runId: RUN_ID,
    },
    env: options.env ?? { PATH: "/usr/bin", HOME: "/nonexistent", NODE_ENV: "production" },
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw missing(path);
      return new TextEncoder().encode(text);
    },
    readDir: (path) => {
      const entries = dirs[path];
      if (entries === undefined) throw missing(path);
      return entries;
    },
    getuid: () => options.uid ?? 65534,
    geteuid: () => options.uid ?? 65534,
  };
}
