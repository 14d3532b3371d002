import { describe, expect, it } from "vitest";
import { errno, fakeEnv, judge } from "./_test-support.ts";
import { credentialFindings, credentialKinds, entropy, keyTypes, p14EnvExact, p15KeyringEmpty } from "./secrets-probes.ts";

const SECRET_VALUE = "AKIAIOSFODNN7EXAMPLE";
const PLAIN = { PATH: "/usr/local/bin:/usr/bin", HOSTNAME: "071d4ce6e51e", HOME: "/" };

describe("P14-ENV-EXACT", () => {
  it("passes with exactly HOME, HOSTNAME and PATH, no credential, no secret file", async () => {
    expect(await judge(p14EnvExact, fakeEnv())).toMatchObject({
      verdict: "PASS",
      actual: { envKeys: ["HOME", "HOSTNAME", "PATH"], credentials: [], secretFiles: [] },
    });
  });

  it("fails on one extra key, however harmless its name and value, naming it", async () => {
    const result = await judge(p14EnvExact, fakeEnv({ env: { ...PLAIN, LANG: "C" } }));
    expect(result.verdict).toBe("FAIL");
    expect(result.actual.envKeys).toEqual(["HOME", "HOSTNAME", "LANG", "PATH"]);
  });

  it("fails on a missing key too (the set is exact)", async () => {
    expect((await judge(p14EnvExact, fakeEnv({ env: { PATH: "/bin", HOME: "/" } }))).verdict).toBe("FAIL");
  });

  it.each([
    ["url-userinfo", "https://deploy:hunter2@git.example.com/repo.git"],
    ["aws-access-key-id", `id ${SECRET_VALUE}`],
    ["github-token", "ghp_0123456789abcdefghijABCDEFGHIJ012345"],
    ["slack-token", "xoxb-1234567890-abcdefghij"],
    ["jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpM"],
    ["private-key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE="],
    ["high-entropy", "q8Zr4Lx2Vb9Tn1Kp7Wd3Hs6Jm0Yc5Fg"],
    ["high-entropy", "4f9c2a7e1b8d3f6a0c5e9b2d7a1f4c8e"],
  ])("flags a %s in a VALUE under a harmless key, and never echoes the value", async (kind, value) => {
    // The key is one of the expected three: only the value gives it away.
    const result = await judge(p14EnvExact, fakeEnv({ env: { ...PLAIN, HOME: value } }));
    expect(result.verdict).toBe("FAIL");
    expect(result.actual.credentials).toContain(`HOME: ${kind}`);
    expect(JSON.stringify(result)).not.toContain(value.slice(8, 24));
  });

  it("leaves ordinary values alone (paths, a 12-hex hostname, words)", () => {
    expect(credentialKinds("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")).toEqual([]);
    expect(credentialKinds("071d4ce6e51e")).toEqual([]);
    expect(credentialKinds("en_US.UTF-8")).toEqual([]);
    expect(entropy("aaaa")).toBe(0);
  });

  it("flags secret-looking and proxy names whatever their value", () => {
    expect(credentialFindings({ HOME: "/", DB_PASSWORD: "", KUBECONFIG: "y", all_proxy: "z", NO_PROXY: "w" })).toEqual([
      "DB_PASSWORD: secret-like name",
      "KUBECONFIG: secret-like name",
      "all_proxy: proxy",
    ]);
  });

  it("fails on Docker secrets and a Kubernetes service-account token", async () => {
    const env = fakeEnv({
      dirs: { "/run/secrets": ["db_password"] },
      nodes: { "/var/run/secrets/kubernetes.io/serviceaccount/token": { kind: "file" } },
    });
    expect(await judge(p14EnvExact, env)).toMatchObject({
      verdict: "FAIL",
      actual: { secretFiles: ["/run/secrets/db_password", "/var/run/secrets/kubernetes.io/serviceaccount/token"] },
    });
  });

  it("counts an unlistable secrets directory rather than assuming it is empty", async () => {
    const env = fakeEnv({ dirs: { "/run/secrets": errno("EACCES") } });
    expect((await judge(p14EnvExact, env)).actual.secretFiles).toEqual(["/run/secrets"]);
  });

  it("scans PID 1's environment values when PID 1 is not us, never echoing them", async () => {
    const env = fakeEnv({ pid: 7, files: { "/proc/1/environ": `PATH=/bin\0CONFIG=${SECRET_VALUE}\0` } });
    const result = await judge(p14EnvExact, env);
    expect(result.actual.credentials).toEqual(["pid1:CONFIG: aws-access-key-id"]);
    expect(JSON.stringify(result)).not.toContain(SECRET_VALUE);
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
