import { createPrivateKey, createPublicKey } from "node:crypto";
import { isAbsolute, resolve } from "node:path";
import { CHECK_NAMES } from "@macro/machine";
import { SeccompProfile } from "@macro/sandbox";
import {
  InputError,
  formatStrictJsonError,
  loadMatrix,
  parseStrictJson,
  readInput,
  readInputText,
  type AcceptanceMatrix,
  type InputKind,
  type LoadedSsot,
} from "@macro/ssot";

/** What the SSOT names, read and checked at load; `problems` lists every bad one at once. */
export interface NamedFiles {
  matrix: AcceptanceMatrix;
}

const fromSsot = (loaded: LoadedSsot, p: string) => (isAbsolute(p) ? p : resolve(loaded.dir, p));

/**
 * Every file the SSOT names is read through the bounded reader and checked here, before a log,
 * checkpoint, packet or bundle exists: the matrix (complete, as many rows as the SSOT says), the
 * Dockerfile, the seccomp profiles (strict JSON of the profile's shape), the trusted keys and the
 * signing key (PEM that parses as the right kind of ed25519 key), and every guard the blocker
 * catalog names (a real guard of the machine). A bad one is exit 2 naming the file and field;
 * all problems are reported together.
 */
export async function checkNamedFiles(loaded: LoadedSsot, extra: { publicKeys?: string[]; privateKey?: string } = {}): Promise<NamedFiles> {
  const { ssot } = loaded;
  const problems: string[] = [];
  const field = (path: string, message: string) => problems.push(`${loaded.path}: ${path}: ${message}`);

  const known = new Set<string>(CHECK_NAMES);
  ssot.blockers.forEach((b, i) =>
    b.guards.forEach((g, j) => {
      if (!known.has(g)) field(`blockers[${i}].guards[${j}]`, `"${g}" is not a guard of the machine (known: ${[...known].join(", ")})`);
    }),
  );

  const read = async (path: string, at: string, kind: InputKind): Promise<Uint8Array | null> => {
    const r = await readInput(path, { kind, shown: path });
    if (r.ok) return r.value;
    field(at, r.error.message);
    return null;
  };

  const matrixPath = fromSsot(loaded, ssot.matrix.path);
  const matrixTask = loadMatrix(matrixPath);

  const dockerfile = await read(fromSsot(loaded, ssot.sandbox.dockerfile), "sandbox.dockerfile", "dockerfile");
  if (dockerfile !== null && !/^\s*FROM\s+\S/im.test(new TextDecoder().decode(dockerfile))) field("sandbox.dockerfile", "has no FROM line; not a Dockerfile");

  const seccompFiles = new Map<string, string>([[fromSsot(loaded, ssot.sandbox.seccompProfile), "sandbox.seccompProfile"]]);
  const { seccomp } = ssot.sandbox.runFlags;
  if (seccomp !== "default" && seccomp !== "unconfined") {
    const p = fromSsot(loaded, seccomp);
    if (!seccompFiles.has(p)) seccompFiles.set(p, "sandbox.runFlags.seccomp");
  }
  for (const [path, at] of seccompFiles) {
    const bytes = await read(path, at, "profile");
    if (bytes === null) continue;
    const json = parseStrictJson(bytes, { maxDepth: 16 });
    if (!json.ok) {
      field(at, formatStrictJsonError(path, json.error));
      continue;
    }
    const parsed = SeccompProfile.safeParse(json.value);
    if (!parsed.success) field(at, `${path}: not a seccomp profile: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }

  const publicKeys = [
    ...ssot.sandbox.signing.trustedKeys.map((k, i) => ({ path: fromSsot(loaded, k), at: `sandbox.signing.trustedKeys[${i}]` })),
    ...(extra.publicKeys ?? []).map((k) => ({ path: k, at: "--key" })),
  ];
  for (const { path, at } of publicKeys) {
    const text = await readKeyText(path, at, field);
    if (text !== null) checkKey(text, "public", path, at, field);
  }
  const privatePath = extra.privateKey ?? (ssot.sandbox.signing.signingKey === null ? null : fromSsot(loaded, ssot.sandbox.signing.signingKey));
  if (privatePath !== null) {
    const at = extra.privateKey === undefined ? "sandbox.signing.signingKey" : "--key";
    const text = await readKeyText(privatePath, at, field);
    if (text !== null) checkKey(text, "private", privatePath, at, field);
  }

  const matrix = await matrixTask;
  let value: AcceptanceMatrix | null = null;
  if (!matrix.ok) {
    field("matrix.path", matrix.error.message);
    for (const issue of matrix.error.issues) problems.push(`${matrix.error.file}: ${issue.path}: ${issue.message}`);
  } else if (matrix.value.rows.length !== ssot.matrix.rows) {
    field("matrix.rows", `the SSOT says ${ssot.matrix.rows} rows, ${ssot.matrix.path} has ${matrix.value.rows.length}`);
  } else value = matrix.value;

  if (problems.length > 0 || value === null) {
    throw new InputError("SSOT_NAMED_FILE", `${loaded.path}: ${problems.length} problem${problems.length === 1 ? "" : "s"} with what it names\n${problems.join("\n")}`, { file: loaded.path });
  }
  return { matrix: value };
}

async function readKeyText(path: string, at: string, field: (path: string, message: string) => void): Promise<string | null> {
  const r = await readInputText(path, { kind: "key", shown: path });
  if (r.ok) return r.value;
  field(at, r.error.message);
  return null;
}

function checkKey(pem: string, kind: "public" | "private", path: string, at: string, field: (path: string, message: string) => void): void {
  try {
    const key = kind === "public" ? createPublicKey(pem) : createPrivateKey(pem);
    if (key.asymmetricKeyType !== "ed25519") field(at, `${path}: a ${key.asymmetricKeyType ?? "unknown"} key; an ed25519 ${kind} key is required`);
  } catch {
    field(at, `${path}: not a PEM ${kind} key`);
  }
}
