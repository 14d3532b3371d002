import { describe, expect, it } from "vitest";
import { errno, fakeEnv, judge } from "./_test-support.ts";
import { keyTypes, p14Secrets, p15KeyringEmpty, secretEnvKeys } from "./secrets-probes.ts";

const SECRET_VALUE = "AKIAEXAMPLEVALUE-do-not-print";

describe("P14-SECRETS-ENV-AND-FILES", () => {
  it("passes with a plain environment and no secret files", async () => {
    expect(await judge(p14Secrets, fakeEnv())).toMatchObject({ verdict: "PASS", actual: { secretEnvKeys: [], secretFiles: [] } });
  });

  it("fails on credential and proxy variables, reporting names and never values", async () => {
    const env = fakeEnv({ env: { PATH: "/bin", AWS_SECRET_ACCESS_KEY: SECRET_VALUE, HTTPS_PROXY: "http://proxy:3128", GITHUB_TOKEN: SECRET_VALUE } });
    const result = await judge(p14Secrets, env);
    expect(result).toMatchObject({ verdict: "FAIL", actual: { secretEnvKeys: ["AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "HTTPS_PROXY"] } });
    expect(JSON.stringify(result)).not.toContain(SECRET_VALUE);
    expect(JSON.stringify(result)).not.toContain("proxy:3128");
  });

  it("fails on Docker secrets and a Kubernetes service-account token", async () => {
    const env = fakeEnv({
      dirs: { "/run/secrets": ["db_password"] },
      present: { "/var/run/secrets/kubernetes.io/serviceaccount/token": { isSocket: false } },
    });
    expect(await judge(p14Secrets, env)).toMatchObject({
      verdict: "FAIL",
      actual: { secretFiles: ["/run/secrets/db_password", "/var/run/secrets/kubernetes.io/serviceaccount/token"] },
    });
  });

  it("counts an unlistable secrets directory rather than assuming it is empty", async () => {
    const env = fakeEnv({ dirs: { "/run/secrets": errno("EACCES") } });
    expect((await judge(p14Secrets, env)).actual.secretFiles).toEqual(["/run/secrets"]);
  });

  it("reads only the names in PID 1's environment when PID 1 is not us", async () => {
    const env = fakeEnv({ pid: 7, files: { "/proc/1/environ": `PATH=/bin\0VAULT_TOKEN=${SECRET_VALUE}\0` } });
    const result = await judge(p14Secrets, env);
    expect(result.actual.secretEnvKeys).toEqual(["pid1:VAULT_TOKEN"]);
    expect(JSON.stringify(result)).not.toContain(SECRET_VALUE);
  });

  it("matches secret-looking names only", () => {
    expect(secretEnvKeys({ HOME: "/", NODE_VERSION: "20", DB_PASSWORD: "x", KUBECONFIG: "y", all_proxy: "z", NO_PROXY: "w" })).toEqual([
      "DB_PASSWORD",
      "KUBECONFIG",
      "all_proxy",
    ]);
  });
});

describe("P15-KEYRING-EMPTY", () => {
  it("passes on a masked (empty) or absent /proc/keys", async () => {
    expect((await judge(p15KeyringEmpty, fakeEnv())).verdict).toBe("PASS");
    expect((await judge(p15KeyringEmpty, fakeEnv({ files: { "/proc/keys": errno("ENOENT") } }))).verdict).toBe("PASS");
  });

  it("fails when keys are visible, listing their types only", async () => {
    const keys =
      "1e2b0a6f I--Q---     1 perm 3f010000  1000  1000 user      api: 32\n" +
      "2c7e1a8d I------     1 perm 1f030000     0     0 keyring   _ses: 1\n";
    const result = await judge(p15KeyringEmpty, fakeEnv({ files: { "/proc/keys": keys } }));
    expect(result).toMatchObject({ verdict: "FAIL", actual: { keys: ["keyring", "user"] } });
    expect(JSON.stringify(result)).not.toContain("api:");
  });

  it("parses the type column", () => {
    expect(keyTypes("a b c d e f g logon desc\n\n")).toEqual(["logon"]);
  });
});
