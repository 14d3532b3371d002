import { createServer } from "node:http";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dockerSocketPath, probeDockerApi } from "./api-engine.ts";
import { tempDir } from "@macro/test-utils";

const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function scratch(): Promise<string> {
  const dir = await tempDir("macro-api-engine-");
  dirs.push(dir);
  return dir;
}

/** A unix socket answering GET /version with the given status and body. */
async function versionServer(status: number, body: string): Promise<string> {
  const path = join(await scratch(), "docker.sock");
  const server = createServer((req, res) => {
    res.writeHead(req.url === "/version" ? status : 404, { "Content-Type": "application/json" });
    res.end(req.url === "/version" ? body : "{}");
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return path;
}

describe("dockerSocketPath: the API is used only where the CLI would use the same unix socket", () => {
  it("DOCKER_HOST unix:// is that socket; tcp:// and ssh:// are left to the CLI", async () => {
    expect(await dockerSocketPath({ DOCKER_HOST: "unix:///run/user/1000/docker.sock" })).toBe("/run/user/1000/docker.sock");
    expect(await dockerSocketPath({ DOCKER_HOST: "tcp://127.0.0.1:2375" })).toBeNull();
    expect(await dockerSocketPath({ DOCKER_HOST: "ssh://build@host" })).toBeNull();
  });

  it("no DOCKER_HOST: the default socket, unless a context other than default is selected", async () => {
    const home = await scratch();
    const config = await scratch();
    expect(await dockerSocketPath({ HOME: home })).toBe("/var/run/docker.sock");
    expect(await dockerSocketPath({ HOME: home, DOCKER_CONTEXT: "remote" })).toBeNull();
    expect(await dockerSocketPath({ HOME: home, DOCKER_CONTEXT: "default" })).toBe("/var/run/docker.sock");
    await writeFile(join(config, "config.json"), JSON.stringify({ currentContext: "colima" }));
    expect(await dockerSocketPath({ HOME: home, DOCKER_CONFIG: config })).toBeNull();
    await writeFile(join(config, "config.json"), JSON.stringify({ auths: {}, currentContext: "default" }));
    expect(await dockerSocketPath({ HOME: home, DOCKER_CONFIG: config })).toBe("/var/run/docker.sock");
    await writeFile(join(config, "config.json"), "{ not json");
    expect(await dockerSocketPath({ HOME: home, DOCKER_CONFIG: config })).toBeNull();
  });
});

describe("probeDockerApi", () => {
  it("takes the server version and caps the API version at the one this client speaks", async () => {
    const r = await probeDockerApi(await versionServer(200, JSON.stringify({ Version: "27.1.0", ApiVersion: "1.46" })));
    expect(r.ok && [r.version, r.target.prefix]).toEqual(["27.1.0", "/v1.41"]);
    const old = await probeDockerApi(await versionServer(200, JSON.stringify({ Version: "19.03.1", ApiVersion: "1.40" })));
    expect(old.ok && old.target.prefix).toBe("/v1.40");
  });

  it("refuses engines too old for wait-until-removed, bad answers and dead sockets, saying why", async () => {
    const cases: [number, string, RegExp][] = [
      [200, JSON.stringify({ Version: "1.13.1", ApiVersion: "1.26" }), /older than 1\.30/],
      [200, "<html>", /not JSON/],
      [200, JSON.stringify({ Version: "20.10.24" }), /without Version and ApiVersion/],
      [500, "{}", /answered 500/],
    ];
    for (const [status, body, why] of cases) {
      const r = await probeDockerApi(await versionServer(status, body));
      expect(r.ok ? "ok" : r.reason).toMatch(why);
    }
    const none = await probeDockerApi(join(await scratch(), "absent.sock"));
    expect(none.ok ? "ok" : none.reason).toBe("ENOENT");
  });
});
