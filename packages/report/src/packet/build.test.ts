import { describe, it, expect } from "vitest";
import { BlockerPacket, InternalError, type SideEffect } from "@macro/ssot";
import { sha256Hex } from "../hash.ts";
import { buildBlockerPacket, clearedSince } from "./build.ts";
import { renderPacketMarkdown } from "./render.ts";
import { NOW, noEngineBlocker, packetInput, quietEffects, tracksStoppedAt } from "../__fixtures__/ssot.ts";

describe("buildBlockerPacket: B4′ with no container engine", () => {
  const packet = buildBlockerPacket(packetInput());

  it("is a valid packet whose status line names blocker, owner role, track and reason", () => {
    expect(BlockerPacket.safeParse(packet).success).toBe(true);
    expect(packet.statusLine).toBe(
      "B4′_OPERATOR_ACTION_REQUIRED — the whole end-to-end path stops at Verify venue: " + noEngineBlocker.reason,
    );
    expect(packet.stoppedAt).toEqual({ track: "venue", trackTitle: "Verify venue", guard: "hasExecutionSurface", why: noEngineBlocker.reason });
  });

  it("takes title, why, doesNotBlock and fallback from the catalog and class from the run", () => {
    expect(packet.blocker.title).toBe("No approved venue can run the deny-by-default sandbox");
    expect(packet.blocker.why).toMatch(/^The sandbox boundary can only be attested/);
    expect(packet.blocker.doesNotBlock).toEqual(["authoring design and blocker documents", "reading the SSOT"]);
    expect(packet.blocker.class).toEqual(["OWNER_OPERATOR_REQUIRED", "NO_EXECUTION_SURFACE"]);
    expect(packet.fallback).toMatch(/^If neither V1 nor V2/);
  });

  it("computes blocks: the blocked track and every later not-run track, and matrix rows on them", () => {
    expect(packet.blocker.blocks.tracks).toEqual(["venue", "attest", "build", "test", "bind", "persist"]);
    // Every fixture row sits on attest, test or bind, all blocked here.
    expect(packet.blocker.blocks.matrixRows).toHaveLength(45);
    expect(packet.blocker.blocks.matrixRows[0]).toBe("#01");
  });

  it("lists only rows on blocked tracks when the run stopped later", () => {
    const p = buildBlockerPacket(packetInput({ tracks: tracksStoppedAt("bind"), blocker: { ...noEngineBlocker, track: "bind", guard: "everyRowBound" } }));
    expect(p.blocker.blocks.tracks).toEqual(["bind", "persist"]);
    expect(p.blocker.blocks.matrixRows).toEqual(["#42", "#43", "#44", "#45"]);
  });

  it("never lists a passed track as blocked even after the blocked one", () => {
    const tracks = tracksStoppedAt("venue").map((t) => (t.id === "persist" ? { ...t, status: "passed" as const } : t));
    const p = buildBlockerPacket(packetInput({ tracks }));
    expect(p.blocker.blocks.tracks).not.toContain("persist");
    expect(p.notDone.tracks.map((t) => t.track)).toEqual(["attest", "build", "test", "bind"]);
  });

  it("says the matrix was not available when no rows are given, and blocks no rows", () => {
    const p = buildBlockerPacket(packetInput({ matrixRows: null }));
    expect(p.blocker.blocks.matrixRows).toEqual([]);
    const fact = p.evidence.find((f) => f.id === "matrix.available");
    expect(fact?.value).toBe(false);
    expect(fact?.source).toContain("matrix.yaml");
    expect(packet.evidence.some((f) => f.id === "matrix.available")).toBe(false);
  });

  it("carries every blocker fact with its source as evidence", () => {
    expect(packet.evidence).toEqual(noEngineBlocker.facts);
  });

  it("substitutes placeholders: unknown venue becomes the approved ids, date from now, run id", () => {
    const a = packet.nextActions[0];
    expect(a?.commands).toEqual([
      "pnpm macro attest --venue V1|V2",
      "sha256sum reports/sandbox-attestation-evidence-V1|V2-2026-06-10.json",
    ]);
    expect(a?.returns.where).toBe("reports/sandbox-attestation-evidence-V1|V2-2026-06-10.json");
    expect(packet.nextActions[1]?.commands).toContain("pnpm macro resume run-2026-06-10-7f3c");
    const known = buildBlockerPacket(packetInput({ venueId: "V1" }));
    expect(known.nextActions[0]?.action).toBe("On V1 only, build the offline image and run the probes in one throwaway container.");
    expect(JSON.stringify(known)).not.toMatch(/<venue>|<date>|<runId>/);
  });

  it("names owners from the SSOT, the follow-up agent by its role", () => {
    expect(packet.nextActions.map((a) => [a.owner, a.ownerName])).toEqual([
      ["operator", "Ops on-call"],
      ["follow-up-agent", "follow-up agent"],
    ]);
  });

  it("uses the catalog owner for the status-line suffix", () => {
    const p = buildBlockerPacket(packetInput({ blocker: { ...noEngineBlocker, id: "MATRIX_UNBOUND", track: "bind", guard: "everyRowBound" }, tracks: tracksStoppedAt("bind") }));
    expect(p.statusLine.startsWith("MATRIX_UNBOUND_BUILDER_ACTION_REQUIRED — the whole end-to-end path stops at Bind evidence: ")).toBe(true);
  });

  it("lists every not-run track as structurally unreachable", () => {
    expect(packet.notDone.tracks).toEqual(
      (["attest", "build", "test", "bind", "persist"] as const).map((track) => ({
        track,
        title: expect.any(String),
        status: "not-run",
        reason: "structurally unreachable after B4′ at venue",
      })),
    );
  });

  it("records the sha256 of its own Markdown rendering", () => {
    expect(packet.renderings?.markdownSha256).toBe(sha256Hex(renderPacketMarkdown(packet)));
    expect(packet.renderings?.markdownPath).toBe("checkpoints/blocker-B4prime-run-2026-06-10-7f3c.md");
    expect(packet.renderings?.jsonPath).toBe("reports/blocker-B4prime-run-2026-06-10-7f3c.json");
  });

  it("throws InternalError for a blocker the catalog does not know", () => {
    expect(() => buildBlockerPacket(packetInput({ blocker: { ...noEngineBlocker, id: "B9" } }))).toThrow(InternalError);
  });

  it("throws InternalError when the track records contradict the blocker", () => {
    const passed = tracksStoppedAt("venue").map((t) => (t.id === "venue" ? { ...t, status: "passed" as const } : t));
    expect(() => buildBlockerPacket(packetInput({ tracks: passed }))).toThrow(/record is passed/);
    const missing = tracksStoppedAt("venue").filter((t) => t.id !== "venue");
    expect(() => buildBlockerPacket(packetInput({ tracks: missing }))).toThrow(InternalError);
  });

  it("is pure: same input, same packet", () => {
    expect(buildBlockerPacket(packetInput())).toEqual(packet);
  });
});

describe("flags and abstentions follow the side-effect record", () => {
  const at = NOW;
  it("claims NO for everything when the record is quiet, each abstention with its basis", () => {
    const p = buildBlockerPacket(packetInput());
    expect(p.flags).toEqual({
      productionMutation: false,
      containerCreatedByRun: false,
      installOrSystemMutation: false,
      macLocalEvidenceUsed: false,
      networkUsed: false,
    });
    expect(p.notDone.abstained.map((a) => a.kind)).toEqual([
      "production-mutation",
      "install-or-system-mutation",
      "network-used",
      "container-created",
      "mac-local-evidence-used",
    ]);
    expect(p.notDone.abstained[0]?.basis).toBe("side-effect record of run run-2026-06-10-7f3c: no production-mutation entry");
    expect(p.forbiddenPerformed).toEqual([]);
  });

  it("never claims an effect was not performed when it was; forbidden ones are listed loudly", () => {
    const effects: SideEffect[] = [
      ...quietEffects,
      { kind: "container-created", detail: "docker run --rm tki-inspector:attest", at },
      { kind: "network-used", detail: "connect 10.0.0.1:443", at },
      { kind: "evidence-used", detail: "bundle from laptop", at, venueId: "MAC_LOCAL", macLocal: true },
    ];
    const p = buildBlockerPacket(packetInput({ sideEffects: effects }));
    expect(p.flags.containerCreatedByRun).toBe(true);
    expect(p.flags.networkUsed).toBe(true);
    expect(p.flags.macLocalEvidenceUsed).toBe(true);
    expect(p.flags.productionMutation).toBe(false);
    const kinds = p.notDone.abstained.map((a) => a.kind);
    expect(kinds).not.toContain("container-created");
    expect(kinds).not.toContain("network-used");
    expect(kinds).not.toContain("mac-local-evidence-used");
    expect(kinds).toContain("production-mutation");
    expect(p.forbiddenPerformed).toEqual([{ kind: "network-used", detail: "connect 10.0.0.1:443", at }]);
  });
});

describe("continuity", () => {
  const first = buildBlockerPacket(packetInput({ runId: "run-1" }));

  it("is new when there is no previous packet", () => {
    expect(first.blocker.continuity).toBe("new");
    expect(first.blocker.previousRunId).toBeNull();
  });

  it("is carried when the previous packet had the same blocker and class", () => {
    const second = buildBlockerPacket(packetInput({ runId: "run-2", previous: first }));
    expect(second.blocker.continuity).toBe("carried");
    expect(second.blocker.previousRunId).toBe("run-1");
    expect(clearedSince(first, second)).toEqual([]);
  });

  it("records which evidence facts changed since the previous packet", () => {
    expect(first.previous).toBeNull();
    const same = buildBlockerPacket(packetInput({ runId: "run-2", previous: first }));
    expect(same.previous).toEqual({ runId: "run-1", generatedAt: NOW, blockerId: "B4′", factChanges: [] });
    const facts = noEngineBlocker.facts
      .filter((f) => f.id !== "venue.ci")
      .map((f) => (f.id === "engine.podman.clientFound" ? { ...f, value: true } : f));
    const moved = buildBlockerPacket(
      packetInput({ runId: "run-2", previous: first, blocker: { ...noEngineBlocker, facts: [...facts, { id: "new.fact", value: 1, source: "s", observedAt: NOW }] } }),
    );
    expect(moved.blocker.continuity).toBe("carried");
    expect(moved.previous?.factChanges).toEqual([
      { id: "engine.podman.clientFound", change: "changed", before: false, after: true },
      { id: "new.fact", change: "added", before: null, after: 1 },
      { id: "venue.ci", change: "removed", before: false, after: null },
    ]);
  });

  it("is new when the class changed, even with the same id", () => {
    const changed = buildBlockerPacket(
      packetInput({ runId: "run-2", previous: first, blocker: { ...noEngineBlocker, class: ["OWNER_OPERATOR_REQUIRED", "ATTESTATION_FAILED"] } }),
    );
    expect(changed.blocker.continuity).toBe("new");
    expect(changed.blocker.previousRunId).toBe("run-1");
  });

  it("reports the previous blocker as cleared when a different one (or none) stops the next run", () => {
    const other = buildBlockerPacket(
      packetInput({ runId: "run-3", previous: first, tracks: tracksStoppedAt("bind"), blocker: { ...noEngineBlocker, id: "MATRIX_UNBOUND", track: "bind", guard: "everyRowBound" } }),
    );
    expect(other.blocker.continuity).toBe("new");
    expect(clearedSince(first, other)).toEqual(["B4′"]);
    expect(clearedSince(first, null)).toEqual(["B4′"]);
    expect(clearedSince(null, first)).toEqual([]);
  });
});
