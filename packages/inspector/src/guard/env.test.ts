import { describe, it, expect } from "vitest";
import { checkEnvironment } from "./env.ts";

const SECRET_VALUE = "postgres://admin:hunter2@db.internal:5432/kb";

describe("environment guard", () => {
  it("passes an ordinary environment", () => {
    const env = { PATH: "/usr/bin", HOME: "/home/u", PWD: "/w", OLDPWD: "/", LANG: "C.UTF-8", DOCS_URL: "https://example.org" };
    expect(checkEnvironment(env)).toEqual({ ok: true });
  });

  it("[#41] refuses DATABASE_URL and names the key, never the value", () => {
    const verdict = checkEnvironment({ PATH: "/usr/bin", DATABASE_URL: SECRET_VALUE });
    expect(verdict).toMatchObject({ ok: false, code: "ENV_DATABASE_URL" });
    const reason = verdict.ok ? "" : verdict.reason;
    expect(reason).toContain("DATABASE_URL");
    expect(reason).not.toContain("hunter2");
    expect(reason).not.toContain("db.internal");
  });

  it.each([
    ["KB_URL", "mongodb+srv://u:p@cluster/kb"],
    ["CACHE_URL", "redis://localhost:6379"],
    ["ANALYTICS_DSN", "mysql://u:p@h/db"],
    ["PGPASSWORD", "pg-pass-9f2"],
    ["PGHOST", "db-primary.internal"],
    ["KB", "postgresql://reader@replica/kb"],
  ])("[#41] refuses %s as a database pointer", (key, value) => {
    const verdict = checkEnvironment({ [key]: value });
    expect(verdict).toMatchObject({ ok: false, code: "ENV_DATABASE_URL" });
    expect(verdict.ok ? "" : verdict.reason).not.toContain(value);
  });

  it.each(["GITHUB_TOKEN", "DIRECTUS_TOKEN", "APP_SECRET", "ADMIN_PASSWORD", "AWS_SECRET_ACCESS_KEY", "OPENAI_API_KEY", "gcp_credentials", "npm_config__authToken", "APITOKEN"])(
    "[#42] refuses the credential-looking key %s",
    (key) => {
      const verdict = checkEnvironment({ PATH: "/usr/bin", [key]: "s3cr3t-value" });
      expect(verdict).toMatchObject({ ok: false, code: "ENV_CREDENTIAL" });
      const reason = verdict.ok ? "" : verdict.reason;
      expect(reason).toContain(key);
      expect(reason).not.toContain("s3cr3t-value");
    },
  );

  it("reports the database pointer before a credential, whatever the key order", () => {
    expect(checkEnvironment({ A_TOKEN: "t", DATABASE_URL: "x" })).toMatchObject({ code: "ENV_DATABASE_URL" });
  });
});
