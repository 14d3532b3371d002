import { describe, expect, it } from "vitest";
import { observeVenue } from "./observe.ts";
import { liveVenueSource } from "./source.ts";

describe("observeVenue on this machine", () => {
  it("reports docker at a nonexistent socket as unreachable, touching nothing else", async () => {
    const source = liveVenueSource({ env: { ...process.env, DOCKER_HOST: "unix:///nonexistent.sock" } });
    const facts = await observeVenue(source);
    const docker = facts.engines.find((e) => e.kind === "docker");
    // Whether a docker client is installed here is this machine's business; reachability is not.
    expect(docker).toMatchObject({ endpoint: "unix:///nonexistent.sock", reachable: false, canCreateContainers: false, serverVersion: null });
    expect(docker?.error).toBeTypeOf("string");
    expect(facts.platform).toBe(process.platform);
    for (const f of facts.facts) expect(f.source).not.toMatch(/^simulated:/);
    expect(facts.facts.find((f) => f.id === "engine.docker.reachable")?.source).toBe("docker version (DOCKER_HOST=unix:///nonexistent.sock)");
  });
});
