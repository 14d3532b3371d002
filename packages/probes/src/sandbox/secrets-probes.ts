import { errnoOf, tryRead, type ProbeEnv } from "./env.ts";
import { dataLines } from "./parse.ts";
import { measured, type ProbeDefinition } from "./probe.ts";

/** Key names that usually carry credentials. Only names are ever reported, never values. */
const SECRET_KEY_PATTERN =
  /secret|token|passw|api[_-]?key|private[_-]?key|credential|^aws_|^gcp_|^google_application|^azure_|^ssh_|kube|docker_(auth|config|host)|^npm_config_.*auth|^github_pat/i;
/** A proxy is an egress channel that needs no route (NO_PROXY only lists exceptions, so it is not one). */
const PROXY_KEY_PATTERN = /^(https?_proxy|all_proxy|ftp_proxy|socks_proxy)$/i;

const SERVICE_ACCOUNT_TOKENS = [
  "/var/run/secrets/kubernetes.io/serviceaccount/token",
  "/run/secrets/kubernetes.io/serviceaccount/token",
];

async function secretFiles(env: ProbeEnv, evidence: string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const dir of ["/run/secrets", "/var/run/secrets"]) {
    try {
      for (const name of await env.readdir(dir)) found.add(`${dir}/${name}`);
    } catch (error) {
      const code = errnoOf(error);
      evidence.push(`${dir}: ${code}`);
      // A directory we may not list could still hold secrets: record it rather than assume empty.
      if (code !== "ENOENT" && code !== "ENOTDIR") found.add(dir);
    }
  }
  for (const path of SERVICE_ACCOUNT_TOKENS) {
    try {
      await env.lstat(path);
      found.add(path);
    } catch {
      // absent, as it should be
    }
  }
  return [...found].sort();
}

/** Credential formats recognised in a value; only the kind is ever reported, never the value. */
const CREDENTIAL_FORMATS: readonly (readonly [string, RegExp])[] = [
  ["url-userinfo", /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+(?::[^/\s@]*)?@/i],
  ["aws-access-key-id", /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/],
  ["github-token", /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/],
  ["gitlab-token", /\bglpat-[A-Za-z0-9_-]{20,}/],
  ["slack-token", /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ["npm-token", /\bnpm_[A-Za-z0-9]{36}\b/],
  ["google-api-key", /\bAIza[0-9A-Za-z_-]{35}\b/],
  ["stripe-key", /\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}/],
  ["jwt", /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  ["private-key", /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/],
  ["password-assignment", /\b(?:password|passwd|pwd|secret|token)\s*[=:]\s*\S{4,}/i],
];

/** Shannon entropy of a string, in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * The kinds of credential a value looks like: a known token format, or a long random-looking
 * run (≥ 24 characters of a base64/URL alphabet at ≥ 4 bits a character, or ≥ 32 hex digits
 * at ≥ 3). Empty when it looks like none.
 */
export function credentialKinds(value: string): string[] {
  const kinds = CREDENTIAL_FORMATS.filter(([, pattern]) => pattern.test(value)).map(([kind]) => kind);
  const random = value.split(/[^A-Za-z0-9+/=_-]+/).some((run) => {
    if (/^[0-9a-fA-F]{32,}$/.test(run)) return entropy(run) >= 3;
    return run.length >= 24 && /[0-9]/.test(run) && /[A-Za-z]/.test(run) && entropy(run) >= 4;
  });
  if (random) kinds.push("high-entropy");
  return kinds;
}

/** `KEY: kind` for every variable whose name or value looks like a credential or a proxy. */
export function credentialFindings(variables: Record<string, string | undefined>, prefix = ""): string[] {
  const found: string[] = [];
  for (const [key, value] of Object.entries(variables)) {
    if (SECRET_KEY_PATTERN.test(key)) found.push(`${prefix}${key}: secret-like name`);
    if (PROXY_KEY_PATTERN.test(key)) found.push(`${prefix}${key}: proxy`);
    for (const kind of credentialKinds(value ?? "")) found.push(`${prefix}${key}: ${kind}`);
  }
  return found.sort();
}

function parseEnviron(text: string): Record<string, string> {
  const entries = text.split("\0").filter((entry) => entry.includes("="));
  return Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]));
}

export const p14EnvExact: ProbeDefinition = {
  id: "P14-ENV-EXACT",
  title: "The environment holds exactly the expected keys, no value looks like a credential, and no secret file is mounted",
  async run(env) {
    const evidence: string[] = [];
    const keys = Object.keys(env.env).sort();
    const findings = credentialFindings(env.env);
    evidence.push(`environment: ${keys.length} variable(s): ${keys.join(", ")}; ${findings.length} credential finding(s) (values never shown)`);
    // PID 1's environment differs from ours only when something else started us.
    if (env.pid !== 1) {
      const init = await tryRead(env, "/proc/1/environ");
      if ("text" in init) {
        const initFindings = credentialFindings(parseEnviron(init.text), "pid1:");
        findings.push(...initFindings);
        evidence.push(`/proc/1/environ: ${initFindings.length} credential finding(s)`);
      } else {
        evidence.push(`/proc/1/environ: ${init.errno}`);
      }
    }
    for (const finding of findings) evidence.push(`credential: ${finding}`);
    const files = await secretFiles(env, evidence);
    evidence.push(`secret files: ${files.length}`);
    return measured({ envKeys: keys, credentials: findings.sort(), secretFiles: files }, evidence);
  },
};

/** Key types in /proc/keys (the 8th column), sorted and unique. */
export function keyTypes(text: string): string[] {
  const types = dataLines(text, 0)
    .map((line) => line.split(/\s+/)[7])
    .filter((type): type is string => type !== undefined && type.length > 0);
  return [...new Set(types)].sort();
}

export const p15KeyringEmpty: ProbeDefinition = {
  id: "P15-KEYRING-EMPTY",
  title: "No kernel keys are visible",
  async run(env) {
    const read = await tryRead(env, "/proc/keys");
    if ("errno" in read) {
      // Absent (no CONFIG_KEYS) or refused: no key is visible to us either way.
      return measured({ keys: [] }, [`/proc/keys: ${read.errno}`]);
    }
    const keys = keyTypes(read.text);
    return measured({ keys }, [
      read.text.length === 0 ? "/proc/keys is empty (masked)" : `/proc/keys: ${dataLines(read.text, 0).length} key(s)`,
      ...keys.map((type) => `key type: ${type}`),
    ]);
  },
};
