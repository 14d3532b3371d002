import { block, PASS, type GuardVerdict } from "./verdict.ts";

/** Keys that point at a live database whatever their value: the inspector reads exports only. */
const DATABASE_KEYS = new Set(["DATABASE_URL", "PGPASSWORD", "PGHOST", "PGSERVICE", "PGPASSFILE", "MYSQL_PWD", "MYSQL_HOST"]);

/** Connection-string schemes of databases and brokers, whatever key carries them. */
const DATABASE_URL_VALUE =
  /^\s*(postgres(ql)?|mysql|mariadb|mongodb(\+srv)?|redis|rediss|sqlserver|mssql|oracle|cockroach(db)?|clickhouse|amqps?|cassandra|couchdb|neo4j(\+s)?|jdbc:[a-z0-9]+)(\+[a-z0-9]+)?:/i;

const CREDENTIAL_KEYS = new Set([
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_ACCESS_KEY_ID",
  "GOOGLE_APPLICATION_CREDENTIALS",
  "AZURE_CLIENT_SECRET",
  "SSH_AUTH_SOCK",
  "NPM_TOKEN",
  "GH_TOKEN",
  "GITHUB_TOKEN",
  "TOKEN",
  "SECRET",
  "PASSWORD",
  "API_KEY",
  "APIKEY",
]);
// No underscore required before most words: npm's `_authToken` and `APITOKEN` count too.
const CREDENTIAL_SUFFIX = /(TOKEN|SECRET|PASSWORD|PASSWD|_PWD|API_?KEY|PRIVATE_?KEY|SECRET_?KEY|ACCESS_?KEY|CREDENTIALS?|_AUTH)$/i;

/**
 * Refuse an environment that carries a way into a live database or a credential. The
 * reason names the KEY only: the value is exactly what must never reach a log.
 * Keys are checked in sorted order so the same environment always gives the same verdict.
 */
export function checkEnvironment(env: Readonly<Record<string, string | undefined>>): GuardVerdict {
  const keys = Object.keys(env).filter((key) => env[key] !== undefined).sort();
  for (const key of keys) {
    const upper = key.toUpperCase();
    const value = env[key] ?? "";
    if (DATABASE_KEYS.has(upper) || DATABASE_URL_VALUE.test(value)) {
      return block("ENV_DATABASE_URL", `environment variable ${key} points at a live database; the inspector reads exported packets only`);
    }
  }
  for (const key of keys) {
    const upper = key.toUpperCase();
    if (CREDENTIAL_KEYS.has(upper) || CREDENTIAL_SUFFIX.test(upper)) {
      return block("ENV_CREDENTIAL", `environment variable ${key} looks like a credential; run the inspector with a clean environment`);
    }
  }
  return PASS;
}
