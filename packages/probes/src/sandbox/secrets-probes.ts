import { errnoOf, tryRead, type ProbeEnv } from "./env.ts";
import { dataLines } from "./parse.ts";
import { measured, type ProbeDefinition } from "./probe.ts";

/** Key names that usually carry credentials. Only names are ever reported, never values. */
const SECRET_KEY_PATTERN =
  /secret|token|passw|api[_-]?key|private[_-]?key|credential|^aws_|^gcp_|^google_application|^azure_|^ssh_|kube|docker_(auth|config|host)|^npm_config_.*auth|^github_pat/i;
/** A proxy is an egress channel that needs no route (NO_PROXY only lists exceptions, so it is not one). */
const PROXY_KEY_PATTERN = /^(https?_proxy|all_proxy|ftp_proxy|socks_proxy)$/i;

export function secretEnvKeys(env: Record<string, string | undefined>): string[] {
  return Object.keys(env)
    .filter((key) => SECRET_KEY_PATTERN.test(key) || PROXY_KEY_PATTERN.test(key))
    .sort();
}

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

export const p14Secrets: ProbeDefinition = {
  id: "P14-SECRETS-ENV-AND-FILES",
  title: "No credentials or proxies in the environment or secret mounts",
  async run(env) {
    const evidence: string[] = [];
    const keys = new Set(secretEnvKeys(env.env));
    evidence.push(`environment: ${Object.keys(env.env).length} variable(s), ${keys.size} secret-looking name(s)`);
    // PID 1's environment differs from ours only when something else started us; read names only.
    if (env.pid !== 1) {
      const init = await tryRead(env, "/proc/1/environ");
      if ("text" in init) {
        const names = Object.fromEntries(
          init.text.split("\0").filter((entry) => entry.includes("=")).map((entry) => [entry.slice(0, entry.indexOf("=")), ""]),
        );
        const initKeys = secretEnvKeys(names);
        for (const key of initKeys) keys.add(`pid1:${key}`);
        evidence.push(`/proc/1/environ: ${initKeys.length} secret-looking name(s)`);
      } else {
        evidence.push(`/proc/1/environ: ${init.errno}`);
      }
    }
    const files = await secretFiles(env, evidence);
    evidence.push(`secret files: ${files.length}`);
    return measured({ secretEnvKeys: [...keys].sort(), secretFiles: files }, evidence);
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
