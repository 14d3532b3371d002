import { randomBytes } from "node:crypto";
import { readlinkSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { describe, expect, it } from "vitest";
import type { RunFlags } from "@macro/ssot";
import type { ContainerEngine } from "./engine.ts";
import { createInternalNetwork, removeNetwork } from "./network.ts";
import { memoryRecorder } from "./recorder.ts";
import { assertNoneLeft, cliOnlyEngine, engine, runIn, strict, transports, useTestImage } from "./_docker-support.ts";

const image = useTestImage({ withHelper: false, name: "run" });
const run = runIn(image);

/** The command only this file's abort tests run: how their containers are told apart. */
const IDLE = "setInterval(()=>{},1000)";

/**
 * Containers still there that one of this file's runs created, including one whose create was
 * in flight when the run was aborted (so never recorded). Other packages' tests create
 * containers with the same prefix at the same time; they run other commands.
 */
async function leftByThisFile(): Promise<string[]> {
  const r = await engine?.cli(["ps", "-a", "--no-trunc", "--filter", "name=^macro-", "--format", "{{.Names}}\t{{.Command}}"]);
  return (r?.stdout ?? "")
    .split("\n")
    .filter((line) => line.includes(IDLE))
    .map((line) => line.split("\t")[0] ?? "");
}

describe.skipIf(engine === null)("engine detection (skipped: no container engine)", () => {
  it("uses docker's Engine API when the CLI would talk to a unix socket, the CLI otherwise", () => {
    const host = process.env["DOCKER_HOST"];
    const unix = engine?.kind === "docker" && (host === undefined || host.startsWith("unix://"));
    expect(engine?.transport).toBe(unix ? "api" : "cli");
  });
});

describe.each(transports)("runInSandbox through $name", ({ engine: via }) => {
  const run = runIn(image, via);
  describe.skipIf(via === null)("(skipped: no container engine)", () => {
    it("runs node in the strict sandbox: exit 0, output, uid 65534, and removes the container", async () => {
      const recorder = memoryRecorder();
      const r = await run(recorder, { command: ["/opt/macro/hello.js"] });
      expect(r.ok ? r.value.exitCode : r.error).toBe(0);
      expect(r.ok && JSON.parse(r.value.stdout)).toEqual({ hello: "sandbox", uid: 65534 });
      expect(r.ok && r.value.args).toContain("--read-only");
      expect(recorder.effects.map((e) => e.kind)).toEqual(["container-created", "container-removed"]);
      await assertNoneLeft(recorder);
    });

    it("cannot write the root filesystem (EROFS) but can write the /tmp tmpfs", async () => {
      const recorder = memoryRecorder();
      const code = `const fs=require("fs");let root;try{fs.writeFileSync("/x","1");root="written"}catch(e){root=e.code}
  fs.writeFileSync("/tmp/ok","1");console.log(JSON.stringify({root,tmp:fs.readFileSync("/tmp/ok","utf8")}))`;
      const r = await run(recorder, { command: ["-e", code] });
      expect(r.ok && JSON.parse(r.value.stdout)).toEqual({ root: "EROFS", tmp: "1" });
      await assertNoneLeft(recorder);
    });

    it("returns a non-zero exit as a result and still removes the container", async () => {
      const recorder = memoryRecorder();
      const r = await run(recorder, { command: ["-e", "process.stderr.write('bad');process.exit(7)"] });
      expect(r.ok && [r.value.exitCode, r.value.stderr]).toEqual([7, "bad"]);
      await assertNoneLeft(recorder);
    });

    it("times out, says TIMEOUT and leaves no container", async () => {
      const recorder = memoryRecorder();
      const r = await run(recorder, { command: ["-e", IDLE], timeoutMs: 1_500 });
      expect(r.ok ? "ok" : r.error.code).toBe("TIMEOUT");
      await assertNoneLeft(recorder);
    });

    it("aborts on the signal, says ABORTED and leaves no container", async () => {
      const recorder = memoryRecorder();
      const controller = new AbortController();
      const pending = run(recorder, { command: ["-e", IDLE], signal: controller.signal });
      // Abort once the container exists, so the abort hits a running container.
      for (let i = 0; i < 100 && recorder.effects.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      const name = recorder.effects[0]?.detail.split(" ")[0] ?? "";
      const running = async () => (await engine?.cli(["container", "inspect", "--format", "{{.State.Running}}", name]))?.stdout.trim() === "true";
      for (let i = 0; i < 100 && !(await running()); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await running()).toBe(true);
      controller.abort();
      const r = await pending;
      expect(r.ok ? "ok" : r.error.code).toBe("ABORTED");
      await assertNoneLeft(recorder);
    });

    it.each([1, 8, 25, 60])("an abort %i ms in (create, attach, wait or start still under way) leaves no container", async (delay) => {
      const recorder = memoryRecorder();
      const controller = new AbortController();
      const pending = run(recorder, { command: ["-e", IDLE], signal: controller.signal });
      setTimeout(() => controller.abort(), delay);
      const r = await pending;
      expect(r.ok ? "ok" : r.error.code).toBe("ABORTED");
      const names = recorder.effects.filter((e) => e.kind === "container-created").map((e) => e.detail.split(" ")[0] ?? "");
      for (const name of names) expect(await engine?.containerExists(name)).toBe(false);
      expect(recorder.effects.filter((e) => e.kind === "container-removed").map((e) => e.detail)).toEqual(names);
      expect(await leftByThisFile()).toEqual([]);
    });

    it("an abort right after the start leaves no container even if the create was still in flight", async () => {
      const recorder = memoryRecorder();
      const controller = new AbortController();
      const pending = run(recorder, { command: ["-e", IDLE], signal: controller.signal });
      setTimeout(() => controller.abort(), 150);
      const r = await pending;
      expect(r.ok ? "ok" : r.error.code).toBe("ABORTED");
      await assertNoneLeft(recorder);
    });

    it("says IMAGE_MISSING for an absent image and creates nothing", async () => {
      const recorder = memoryRecorder();
      const r = await run(recorder, { image: "macro-sandbox-test:does-not-exist", command: ["-e", "0"] });
      expect(r.ok ? "ok" : r.error.code).toBe("IMAGE_MISSING");
      expect(recorder.effects).toEqual([]);
    });

    it("a weakened profile really is weaker: root user, writable root, env passed by name", async () => {
      const recorder = memoryRecorder();
      const weak: RunFlags = { ...strict, user: "0:0", readOnly: false, seccomp: "unconfined", env: { MACRO_FAKE_TOKEN: "not-a-secret" } };
      const code = `const fs=require("fs");fs.writeFileSync("/x","1");console.log(JSON.stringify({uid:process.getuid(),tok:process.env.MACRO_FAKE_TOKEN}))`;
      const r = await run(recorder, { profile: weak, command: ["-e", code] });
      expect(r.ok && JSON.parse(r.value.stdout)).toEqual({ uid: 0, tok: "not-a-secret" });
      expect(r.ok && r.value.args.join(" ")).not.toContain("not-a-secret");
      await assertNoneLeft(recorder);
    });
  });
});

describe.skipIf(engine?.transport !== "api" || cliOnlyEngine === null)("the Engine API path asks for the same container as the CLI (skipped: no API engine)", () => {
  /** The security-relevant settings of a running container, as the engine reports them. */
  const settingsOf = async (via: ContainerEngine) => {
    const recorder = memoryRecorder();
    const controller = new AbortController();
    const pending = runIn(image, via)(recorder, { command: ["-e", "setInterval(()=>{},1000)"], signal: controller.signal, mounts: [{ source: "/etc/hostname", target: "/in/h", readOnly: true }] });
    let name = "";
    let seen = "";
    for (let i = 0; i < 200 && seen === ""; i++) {
      name = recorder.effects[0]?.detail.split(" ")[0] ?? "";
      const r = name === "" ? null : await engine?.cli(["container", "inspect", "--format", "{{json .HostConfig}}|{{json .Config.User}}|{{json .Config.Labels}}|{{json .Config.NetworkDisabled}}|{{.State.Running}}", name]);
      if (r?.exitCode === 0 && r.stdout.trim().endsWith("|true")) seen = r.stdout.trim();
      else await new Promise((done) => setTimeout(done, 25));
    }
    controller.abort();
    expect((await pending).ok).toBe(false);
    await assertNoneLeft(recorder);
    const [host = "{}", user = "", labels = "{}", networkDisabled = "false"] = seen.split("|");
    const h = JSON.parse(host) as Record<string, unknown>;
    const keys = ["AutoRemove", "NetworkMode", "ReadonlyRootfs", "CapDrop", "CapAdd", "SecurityOpt", "PidsLimit", "Memory", "Tmpfs", "Mounts", "Privileged", "Binds", "Devices"];
    // An empty list and no list mean the same to the engine (the CLI sends Devices: [], we send CapAdd: []).
    const none = (v: unknown) => (v === null || v === undefined || (Array.isArray(v) && v.length === 0) ? "none" : v);
    return {
      host: Object.fromEntries(keys.map((k) => [k, none(h[k])])),
      user: JSON.parse(user) as unknown,
      labels: JSON.parse(labels) as unknown,
      networkDisabled: JSON.parse(networkDisabled) as unknown,
    };
  };

  /** What a process inside sees of the network: links, loopback state, routes, its namespace, a loopback round trip. */
  const NETWORK_VIEW = `const fs=require("fs"),net=require("net");
const v6=fs.readFileSync("/proc/net/ipv6_route","utf8").trim().split("\\n").filter(l=>l&&!/\\slo$/.test(l.trim()));
const s=net.createServer(c=>c.end("pong")).listen(0,"127.0.0.1",()=>{const c=net.connect(s.address().port,"127.0.0.1");let got="";
c.on("data",d=>got+=d);c.on("end",()=>{console.log(JSON.stringify({links:fs.readdirSync("/sys/class/net").sort(),
loFlags:fs.readFileSync("/sys/class/net/lo/flags","utf8").trim(),v4Routes:fs.readFileSync("/proc/net/route","utf8").trim().split("\\n").length-1,
v6RoutesOffLo:v6.length,netns:fs.readlinkSync("/proc/self/ns/net"),loopback:got}));s.close()})})`;

  it("flag for flag: network, read-only root, caps, no-new-privileges, the same seccomp profile, user, limits, tmpfs, mounts", async () => {
    const api = await settingsOf(engine as ContainerEngine);
    const cli = await settingsOf(cliOnlyEngine as ContainerEngine);
    // The one difference, on purpose: networking disabled on top of NetworkMode none (api-create.ts).
    expect([api.networkDisabled, cli.networkDisabled]).toEqual([true, false]);
    expect({ ...api, networkDisabled: null }).toEqual({ ...cli, networkDisabled: null });
    expect(api.host).toMatchObject({ AutoRemove: true, NetworkMode: "none", ReadonlyRootfs: true, CapDrop: ["ALL"], Privileged: false });
    expect(api.user).toBe("65534:65534");
  });

  it("network none looks the same from inside on both paths: a fresh namespace, loopback up and usable, no route out", async () => {
    const view = async (via: ContainerEngine) => {
      const recorder = memoryRecorder();
      const r = await runIn(image, via)(recorder, { command: ["-e", NETWORK_VIEW] });
      await assertNoneLeft(recorder);
      return r.ok ? (JSON.parse(r.value.stdout) as { netns: string } & Record<string, unknown>) : null;
    };
    const api = await view(engine as ContainerEngine);
    const cli = await view(cliOnlyEngine as ContainerEngine);
    const hostNetns = readlinkSync("/proc/self/ns/net");
    expect(api?.netns).not.toBe(hostNetns);
    expect(cli?.netns).not.toBe(hostNetns);
    expect({ ...api, netns: null }).toEqual({ ...cli, netns: null });
    // IFF_UP|IFF_LOOPBACK, and nothing but lo.
    expect(api).toMatchObject({ links: ["lo"], loFlags: "0x9", v4Routes: 0, v6RoutesOffLo: 0, loopback: "pong" });
  });
});

describe.skipIf(engine === null)("runInSandbox on a network (skipped: no container engine)", () => {
  it("an internal network gives a non-loopback interface whose gateway no host interface owns", async () => {
    const net = `macro-test-int-${randomBytes(3).toString("hex")}`;
    const created = await createInternalNetwork(engine as ContainerEngine, net);
    expect(created.ok).toBe(true);
    try {
      const inspect = await engine?.cli(["network", "inspect", "--format", "{{.Internal}} {{json .Options}}", net]);
      expect(inspect?.stdout.trim()).toBe('true {"com.docker.network.bridge.inhibit_ipv4":"true"}');
      const recorder = memoryRecorder();
      const code = `const fs=require("fs");console.log(JSON.stringify({ifs:fs.readdirSync("/sys/class/net").sort(),
routes:fs.readFileSync("/proc/net/route","utf8").trim().split("\\n").slice(1).map(l=>l.split("\\t")).map(f=>({dest:f[1],gw:f[2]}))}))`;
      const r = await run(recorder, { profile: { ...strict, network: net }, command: ["-e", code] });
      const seen = r.ok ? (JSON.parse(r.value.stdout) as { ifs: string[]; routes: { dest: string; gw: string }[] }) : null;
      expect(seen?.ifs).toContain("lo");
      expect(seen?.ifs.some((i) => i !== "lo")).toBe(true);
      // /proc/net/route holds little-endian hex; every gateway must be an address the host does not own.
      const hostAddrs = new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address)));
      const gateways = (seen?.routes ?? []).filter((x) => x.gw !== "00000000").map((x) => hexToIpv4(x.gw));
      for (const gw of gateways) expect(hostAddrs.has(gw)).toBe(false);
      await assertNoneLeft(recorder);
    } finally {
      expect(await removeNetwork(engine as ContainerEngine, net)).toBe(true);
    }
  });
});

function hexToIpv4(hex: string): string {
  const n = Number.parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join(".");
}

