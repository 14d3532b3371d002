import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineEndpoint, findOnPath, probeEngineLive, socketWritable } from "./engine.ts";
import { tempDir } from "@macro/test-utils";

// Fake `docker` clients on a private PATH: the real execFile path runs, no engine is contacted.
let bin = "";
beforeAll(async () => {
  bin = await tempDir("macro-fake-engine-");
});
afterAll(async () => {
  await rm(bin, { recursive: true, force: true });
});

/** A path that exists where a socket would be; the fake clients never connect to it. */
async function socketFile(): Promise<string> {
  const path = join(await mkdtemp(join(bin, "s-")), "docker.sock");
  await writeFile(path, "");
  return path;
}

async function fakeDocker(script: string): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(bin, "d-"));
  await writeFile(join(dir, "docker"), `#!/bin/sh\n${script}\n`);
  await chmod(join(dir, "docker"), 0o755);
  return { PATH: `${dir}:/usr/bin:/bin` };
}

describe("probeEngineLive with a fake client", () => {
  it("passes the endpoint through DOCKER_HOST and drops DOCKER_CONTEXT", async () => {
    const env = await fakeDocker(`echo "{\\"Server\\":{\\"Version\\":\\"host=$DOCKER_HOST ctx=\${DOCKER_CONTEXT:-none}\\"}}"`);
    const socket = join(bin, "writable.sock");
    await writeFile(socket, "");
    const facts = await probeEngineLive("docker", `unix://${socket}`, { ...env, DOCKER_CONTEXT: "remote" }, 5_000);
    expect(facts).toMatchObject({ clientFound: true, reachable: true, canCreateContainers: true, error: null });
    expect(facts.serverVersion).toBe(`host=unix://${socket} ctx=none`);
  });

  it("an answering engine whose socket we cannot write to cannot create containers", async () => {
    const denied = async () => {
      throw Object.assign(new Error("denied"), { code: "EACCES" });
    };
    expect(await socketWritable("unix:///run/docker.sock", denied)).toContain("/run/docker.sock is not writable by this user (EACCES)");
    expect(await socketWritable("unix:///run/docker.sock", async () => undefined)).toBeNull();
    // Only a unix socket has a mode to check; a tcp endpoint is judged by its answer alone.
    expect(await socketWritable("tcp://127.0.0.1:2375", denied)).toBeNull();
  });

  it("a unix socket that does not exist is reported without starting the client", async () => {
    // The fake would answer; it must not be asked, so its answer never shows up.
    const env = await fakeDocker(`echo '{"Server":{"Version":"27.0.0"}}'`);
    const facts = await probeEngineLive("docker", "unix:///nonexistent/dir/docker.sock", env, 5_000);
    expect(facts).toMatchObject({ clientFound: true, reachable: false, canCreateContainers: false, serverVersion: null });
    expect(facts.error).toBe("no socket at /nonexistent/dir/docker.sock (ENOENT): no engine listens there, so the client was not asked");
  });

  it("a client that cannot reach its server reports the client's own error", async () => {
    const env = await fakeDocker(`echo '{"Client":{"Version":"1"},"Server":null}'; echo 'Cannot connect to the Docker daemon at unix:///x.sock.' >&2; exit 1`);
    const facts = await probeEngineLive("docker", `unix://${await socketFile()}`, env, 5_000);
    expect(facts).toMatchObject({ clientFound: true, reachable: false, canCreateContainers: false, serverVersion: null });
    expect(facts.error).toBe("Cannot connect to the Docker daemon at unix:///x.sock.");
  });

  it("garbage output is not an answer", async () => {
    const env = await fakeDocker(`echo '{"Server": "yes"}'`);
    const facts = await probeEngineLive("docker", `unix://${await socketFile()}`, env, 5_000);
    expect(facts.reachable).toBe(false);
  });

  it("a client that hangs is given up on at the timeout", async () => {
    const env = await fakeDocker("exec sleep 30");
    const facts = await probeEngineLive("docker", "tcp://127.0.0.1:9", env, 200);
    expect(facts).toMatchObject({ clientFound: true, reachable: false, error: "no answer within 200 ms" });
  });

  it("a missing client binary is clientFound false", async () => {
    const facts = await probeEngineLive("docker", "unix:///x.sock", { PATH: join(bin, "empty") }, 5_000);
    expect(facts).toMatchObject({ clientFound: false, reachable: false, canCreateContainers: false });
  });
});

describe("findOnPath", () => {
  it("finds an executable file the way execvp would, skipping directories, non-executables and empty entries", async () => {
    const dir = await mkdtemp(join(bin, "p-"));
    await writeFile(join(dir, "docker"), "#!/bin/sh\n");
    expect(await findOnPath("docker", `${dir}`)).toBeNull();
    await chmod(join(dir, "docker"), 0o755);
    const shadow = await mkdtemp(join(bin, "p-"));
    await mkdtemp(join(shadow, "docker"));
    expect(await findOnPath("docker", `::${shadow}:${dir}`)).toBe(join(dir, "docker"));
    expect(await findOnPath("docker", undefined)).toBeNull();
  });
});

describe("engineEndpoint", () => {
  it("prefers the configured variable, else the client's default", () => {
    expect(engineEndpoint("docker", { DOCKER_HOST: "tcp://127.0.0.1:2375" }, 1000)).toBe("tcp://127.0.0.1:2375");
    expect(engineEndpoint("docker", { DOCKER_HOST: "" }, 1000)).toBe("unix:///var/run/docker.sock");
    expect(engineEndpoint("podman", {}, 1000)).toBe("unix:///run/user/1000/podman/podman.sock");
    expect(engineEndpoint("podman", {}, 0)).toBe("unix:///run/podman/podman.sock");
  });
});
