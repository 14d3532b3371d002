import { describe, expect, it } from "vitest";
import type { Ssot } from "@macro/ssot";
import { classifyVenue } from "./classify.ts";
import { asIfLive, observeFixture, repoVenues } from "./test-helpers.ts";

describe("classifyVenue with the repo's venue rules", () => {
  it("rejects a macOS laptop as MAC_LOCAL even with a working engine", async () => {
    const verdict = classifyVenue(asIfLive(await observeFixture("macos.json")), await repoVenues());
    expect(verdict).toMatchObject({ class: "rejected", venueId: "MAC_LOCAL", executionSurface: false });
    expect(verdict.reason).toMatch(/^platform darwin matches rejected venue MAC_LOCAL: Owner direction/);
  });

  it("rejects macOS before any approved rule, even on a Mac CI runner", async () => {
    const facts = asIfLive(await observeFixture("macos.json"));
    const venues: Ssot["venues"] = await repoVenues();
    const anyCi = { ...venues, approved: [{ ...venues.approved[1]!, match: { ci: true } }] };
    const verdict = classifyVenue({ ...facts, ci: { isCI: true, name: "GitHub Actions", isPR: false } }, anyCi);
    expect(verdict.venueId).toBe("MAC_LOCAL");
  });

  it("approves a live CI runner with docker as V2 with an execution surface", async () => {
    const verdict = classifyVenue(asIfLive(await observeFixture("ci-runner.json")), await repoVenues(), { simulated: false });
    expect(verdict).toMatchObject({ class: "approved", venueId: "V2", title: "Approved CI runner", executionSurface: true });
    expect(verdict.reason).toBe(
      "platform linux, ci true matches approved venue V2; docker at unix:///var/run/docker.sock (server 27.5.1) can create containers",
    );
  });

  it("never approves from simulated facts: the CI runner file is unknown", async () => {
    const verdict = classifyVenue(await observeFixture("ci-runner.json"), await repoVenues());
    expect(verdict).toMatchObject({ class: "unknown", venueId: null, executionSurface: false });
    expect(verdict.reason).toContain("simulated facts cannot approve a venue");
    expect(verdict.reason).toContain("V2");
  });

  it("never approves when the caller says simulated, whatever the fact sources say", async () => {
    const verdict = classifyVenue(asIfLive(await observeFixture("ci-runner.json")), await repoVenues(), { simulated: true });
    expect(verdict.class).toBe("unknown");
  });

  it("does not let simulated:false override facts marked simulated", async () => {
    const verdict = classifyVenue(await observeFixture("server-engine.json"), await repoVenues(), { simulated: false });
    expect(verdict.class).toBe("unknown");
  });

  it("classifies a bare VPS as V1 without an execution surface, naming each engine", async () => {
    const verdict = classifyVenue(asIfLive(await observeFixture("bare-vps.json")), await repoVenues());
    expect(verdict).toMatchObject({ class: "approved", venueId: "V1", executionSurface: false });
    expect(verdict.reason).toContain(
      "no container engine answered: docker at unix:///var/run/docker.sock: docker client not found on PATH; podman at unix:///run/user/1000/podman/podman.sock: podman client not found on PATH",
    );
  });

  it("classifies a server with a writable engine as V1 with an execution surface", async () => {
    const verdict = classifyVenue(asIfLive(await observeFixture("server-engine.json")), await repoVenues());
    expect(verdict).toMatchObject({ class: "approved", venueId: "V1", executionSurface: true });
  });

  it("a read-only engine socket (the seed's tool surface) is no execution surface", async () => {
    const verdict = classifyVenue(asIfLive(await observeFixture("readonly-socket.json")), await repoVenues());
    expect(verdict).toMatchObject({ class: "approved", venueId: "V1", executionSurface: false });
    expect(verdict.reason).toContain("no container engine can create containers: docker at unix:///var/run/docker.sock: answered (server 27.5.1) but cannot create containers: socket");
  });

  it("rejects Windows as WINDOWS_LOCAL", async () => {
    const verdict = classifyVenue(await observeFixture("windows.json"), await repoVenues());
    expect(verdict).toMatchObject({ class: "rejected", venueId: "WINDOWS_LOCAL", executionSurface: false });
    expect(verdict.reason).toMatch(/^platform win32 matches rejected venue WINDOWS_LOCAL: /);
  });

  it("calls an unmatched platform unknown and says what would match", async () => {
    const verdict = classifyVenue(asIfLive(await observeFixture("freebsd.json")), await repoVenues());
    expect(verdict).toMatchObject({ class: "unknown", venueId: null, title: null, executionSurface: false });
    expect(verdict.reason).toBe(
      "no venue rule matches platform freebsd, ci false, inContainer false; approved venues: V1 (platform linux, ci false), V2 (platform linux, ci true)",
    );
  });
});

describe("classifyVenue rule edge cases", () => {
  const base = async () => ({ facts: asIfLive(await observeFixture("server-engine.json")), venues: await repoVenues() });

  it("an approved rule with an empty match approves nothing", async () => {
    const { facts, venues } = await base();
    const verdict = classifyVenue(facts, { approved: [{ ...venues.approved[0]!, match: {} }], rejected: [] });
    expect(verdict.class).toBe("unknown");
  });

  it("a rejected rule with an empty match rejects everything", async () => {
    const { facts, venues } = await base();
    const verdict = classifyVenue(facts, { ...venues, rejected: [{ id: "NOWHERE", title: "t", match: {}, reason: "closed" }] });
    expect(verdict).toMatchObject({ class: "rejected", venueId: "NOWHERE", reason: "any venue matches rejected venue NOWHERE: closed" });
  });

  it("an approved venue that needs no engine has an execution surface without one", async () => {
    const facts = asIfLive(await observeFixture("bare-vps.json"));
    const venues = await repoVenues();
    const verdict = classifyVenue(facts, { ...venues, approved: [{ ...venues.approved[0]!, requiresEngine: false }] });
    expect(verdict).toMatchObject({ class: "approved", venueId: "V1", executionSurface: true });
  });

  it("ciNames must name the observed CI", async () => {
    const facts = asIfLive(await observeFixture("ci-runner.json"));
    const venues = await repoVenues();
    const onlyGitLab = { ...venues, approved: [{ ...venues.approved[1]!, match: { ci: true, ciNames: ["GitLab CI"] } }] };
    expect(classifyVenue(facts, onlyGitLab).class).toBe("unknown");
    const onlyGitHub = { ...venues, approved: [{ ...venues.approved[1]!, match: { ci: true, ciNames: ["GitHub Actions"] } }] };
    expect(classifyVenue(facts, onlyGitHub).class).toBe("approved");
  });

  it("no engines at all is reported as such", async () => {
    const { facts, venues } = await base();
    const verdict = classifyVenue({ ...facts, engines: [] }, venues);
    expect(verdict).toMatchObject({ class: "approved", executionSurface: false });
    expect(verdict.reason).toContain("no container engine was probed");
  });
});
