import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { VenueFacts } from "@macro/ssot";
import { observeVenue } from "./observe.ts";
import { simulatedVenueSource } from "./simulated.ts";
import { observeFixture } from "./test-helpers.ts";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const fact = (facts: VenueFacts, id: string) => facts.facts.find((f) => f.id === id);

describe("observeVenue on a simulated source", () => {
  it("returns facts that satisfy the VenueFacts contract", async () => {
    const facts = await observeFixture("ci-runner.json");
    expect(VenueFacts.safeParse(facts).success).toBe(true);
    expect(facts).toMatchObject({ platform: "linux", arch: "x64", ci: { isCI: true, name: "GitHub Actions", isPR: false } });
  });

  it("marks every fact's source as simulated", async () => {
    const facts = await observeFixture("macos.json");
    expect(facts.facts.length).toBeGreaterThan(10);
    for (const f of facts.facts) expect(f.source).toMatch(/^simulated:/);
  });

  it("records each observation as a fact with where it came from", async () => {
    const facts = await observeFixture("macos.json");
    expect(fact(facts, "platform")).toMatchObject({ value: "darwin", source: "simulated:os.platform()" });
    expect(fact(facts, "ci.isCI")).toMatchObject({ value: false, source: "simulated:ci-info" });
    expect(fact(facts, "engine.docker.reachable")).toMatchObject({
      value: true,
      source: "simulated:docker version (DOCKER_HOST=unix:///Users/dev/.docker/run/docker.sock)",
    });
  });

  it("identifies the host by sha256 of /etc/machine-id, never the id itself", async () => {
    const facts = await observeFixture("ci-runner.json");
    expect(facts.host.hostId).toBe(sha("0f1e2d3c4b5a69788796a5b4c3d2e1f0"));
    expect(fact(facts, "host.hostId")?.source).toBe("simulated:sha256(/etc/machine-id)");
    expect(JSON.stringify(facts)).not.toContain("0f1e2d3c4b5a69788796a5b4c3d2e1f0");
  });

  it("falls back to sha256 of the hostname without /etc/machine-id", async () => {
    const facts = await observeFixture("macos.json");
    expect(facts.host.hostId).toBe(sha("dev-macbook.local"));
    expect(fact(facts, "host.hostId")?.source).toContain("no /etc/machine-id");
  });

  it("detects a container from /.dockerenv, and from /proc/1/cgroup markers", async () => {
    expect((await observeFixture("readonly-socket.json")).host.inContainer).toBe(true);
    const cgroup = await observeVenue(simulatedVenueSource({ platform: "linux", files: { "/proc/1/cgroup": "12:pids:/kubepods/burstable/pod1\n" } }));
    expect(cgroup.host.inContainer).toBe(true);
    expect(fact(cgroup, "host.inContainer")?.source).toBe("simulated:/proc/1/cgroup");
    const bare = await observeFixture("bare-vps.json");
    expect(bare.host.inContainer).toBe(false);
  });

  it("asks docker at DOCKER_HOST and podman at CONTAINER_HOST when configured", async () => {
    const facts = await observeVenue(
      simulatedVenueSource({ platform: "linux", env: { DOCKER_HOST: "unix:///x.sock", CONTAINER_HOST: "unix:///p.sock" } }),
    );
    expect(facts.engines.map((e) => [e.kind, e.endpoint])).toEqual([
      ["docker", "unix:///x.sock"],
      ["podman", "unix:///p.sock"],
    ]);
  });

  it("uses the rootful podman socket for root and the rootless one for others", async () => {
    const root = await observeVenue(simulatedVenueSource({ platform: "linux", user: { name: "root", uid: 0 } }));
    expect(root.engines.find((e) => e.kind === "podman")?.endpoint).toBe("unix:///run/podman/podman.sock");
    const user = await observeVenue(
      simulatedVenueSource({ platform: "linux", user: { name: "u", uid: 1234 }, env: { XDG_RUNTIME_DIR: "/run/user/1234" } }),
    );
    expect(user.engines.find((e) => e.kind === "podman")?.endpoint).toBe("unix:///run/user/1234/podman/podman.sock");
  });

  it("an engine that is not reachable can never create containers", async () => {
    const facts = await observeVenue(
      simulatedVenueSource({ platform: "linux", engines: [{ kind: "docker", reachable: false, canCreateContainers: true, error: "refused" }] }),
    );
    expect(facts.engines[0]).toMatchObject({ kind: "docker", clientFound: true, reachable: false, canCreateContainers: false, serverVersion: null });
    expect(fact(facts, "engine.docker.error")?.value).toBe("refused");
  });
});
