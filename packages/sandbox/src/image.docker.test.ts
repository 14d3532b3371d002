import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deferCleanup, ownerLabelArgs } from "@macro/test-utils";
import type { ContainerEngine } from "./engine.ts";
import { detectEngine } from "./engine.ts";
import { buildSandboxImage, sandboxImageInputs } from "./image.ts";
import { memoryRecorder } from "./recorder.ts";
import { engine, useTestImage } from "./_docker-support.ts";

const img = useTestImage({ withHelper: false, name: "image" });

describe("detectEngine", () => {
  it("reports NO_ENGINE with every attempt when nothing answers (unix sockets that do not exist)", async () => {
    const r = await detectEngine({ PATH: process.env["PATH"], DOCKER_HOST: "unix:///nonexistent/macro-docker.sock", CONTAINER_HOST: "unix:///nonexistent/macro-podman.sock" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("NO_ENGINE");
    expect(r.error.tried.map((t) => [t.kind, t.endpoint])).toEqual([
      ["docker", "unix:///nonexistent/macro-docker.sock"],
      ["podman", "unix:///nonexistent/macro-podman.sock"],
    ]);
    for (const t of r.error.tried) expect(t.error.length).toBeGreaterThan(0);
  });
});

// Builds hash the node binary and send ~100 MB to the engine: minutes on a loaded machine.
describe.skipIf(engine === null)("image build (skipped: no container engine)", { timeout: 180_000 }, () => {
  it("builds FROM scratch, tags digest and moving tag, labels the inputs digest", async () => {
    expect(img().image.built).toBe(true);
    expect(img().image.imageRef).toMatch(/^macro-sandbox-test-image-\d+:attest-[0-9a-f]{12}$/);
    expect(img().image.imageRef.endsWith(img().image.inputsSha256.slice(0, 12))).toBe(true);
    const info = await engine?.inspectImage(img().profile.image);
    expect(info?.id).toBe(img().image.imageId);
    expect(info?.labels["macro.inputs-sha256"]).toBe(img().image.inputsSha256);
    expect(img().image.layers.length).toBe(1);
  });

  it("does not rebuild unchanged inputs and records no image-built", async () => {
    const recorder = memoryRecorder();
    const again = await buildSandboxImage(engine as ContainerEngine, { profile: img().profile, payload: img().payload, recorder });
    expect(again.ok && again.value.built).toBe(false);
    expect(again.ok && again.value.imageId).toBe(img().image.imageId);
    expect(recorder.effects).toEqual([]);
  });

  it("changes the inputs digest when a payload byte changes", async () => {
    const before = await sandboxImageInputs({ profile: img().profile, payload: img().payload });
    await writeFile(join(img().scratch, "changed.js"), "0\n");
    await writeFile(join(img().scratch, "changed2.js"), "1\n");
    const a = await sandboxImageInputs({ profile: img().profile, payload: [...img().payload, { source: join(img().scratch, "changed.js"), target: "/opt/macro/c.js" }] });
    const b = await sandboxImageInputs({ profile: img().profile, payload: [...img().payload, { source: join(img().scratch, "changed2.js"), target: "/opt/macro/c.js" }] });
    const c = await sandboxImageInputs({ profile: img().profile, payload: [...img().payload, { source: join(img().scratch, "changed.js"), target: "/opt/macro/d.js" }] });
    const digests = [before, a, b, c].map((r) => (r.ok ? r.value.inputsSha256 : ""));
    expect(digests[0]).toBe(img().image.inputsSha256);
    expect(new Set(digests).size).toBe(4);
  });

  it("rebuilds over a digest tag that points at a foreign image (inputs label mismatch)", async () => {
    const eng = engine as ContainerEngine;
    await writeFile(join(img().scratch, "other.js"), "1\n");
    const payloadB = [...img().payload, { source: join(img().scratch, "other.js"), target: "/opt/macro/other.js" }];
    const inputsB = await sandboxImageInputs({ profile: img().profile, payload: payloadB });
    if (!inputsB.ok) throw new Error(inputsB.error.message);
    img().refs.add(inputsB.value.imageRef);
    // Plant the first image (labelled with digest A) under B's digest tag.
    expect((await eng.tagImage(img().image.imageRef, inputsB.value.imageRef)).ok).toBe(true);
    const recorder = memoryRecorder();
    const r = await buildSandboxImage(eng, { profile: img().profile, payload: payloadB, recorder, pruneGraceMs: 0 });
    expect(r.ok && r.value.built).toBe(true);
    expect(r.ok && r.value.imageId).not.toBe(img().image.imageId);
    expect((await eng.inspectImage(inputsB.value.imageRef))?.labels["macro.inputs-sha256"]).toBe(inputsB.value.inputsSha256);
    expect(recorder.effects.map((e) => e.kind)).toEqual(["image-built", "image-removed"]);
    expect(r.ok && r.value.pruned).toEqual([img().image.imageRef]);
  });

  it("a build removes the superseded digest tags of its image, untagging only: other tags and the image behind them stay", async () => {
    const eng = engine as ContainerEngine;
    const [repo] = img().profile.image.split(":");
    const stale = `${img().profile.image}-ffffffffffff`;
    const other = `${repo}:kept-other`;
    const notDigest = `${img().profile.image}-not-a-digest`;
    const current = await buildSandboxImage(eng, { profile: img().profile, payload: img().payload, recorder: memoryRecorder(), pruneGraceMs: 0 });
    if (!current.ok) throw new Error(current.error.message);
    for (const ref of [stale, other, notDigest]) {
      img().refs.add(ref);
      expect((await eng.tagImage(current.value.imageRef, ref)).ok).toBe(true);
    }
    await writeFile(join(img().scratch, "third.js"), "3\n");
    const payloadC = [...img().payload, { source: join(img().scratch, "third.js"), target: "/opt/macro/third.js" }];
    const recorder = memoryRecorder();
    const r = await buildSandboxImage(eng, { profile: img().profile, payload: payloadC, recorder, pruneGraceMs: 0 });
    if (!r.ok) throw new Error(r.error.message);
    img().refs.add(r.value.imageRef);
    expect(r.value.pruned).toEqual([current.value.imageRef, stale].sort());
    expect(recorder.effects.filter((e) => e.kind === "image-removed").map((e) => e.detail)).toEqual(r.value.pruned);
    for (const ref of r.value.pruned) expect(await eng.imageExists(ref)).toBe(false);
    expect((await eng.inspectImage(other))?.id).toBe(current.value.imageId);
    expect(await eng.imageExists(notDigest)).toBe(true);
    expect(await eng.imageExists(r.value.imageRef)).toBe(true);
  });

  it("a build keeps a superseded tag a concurrent run still uses: one it took up within the grace period, or whose image a container uses", async () => {
    const eng = engine as ContainerEngine;
    const inUse = `${img().profile.image}-eeeeeeeeeeee`;
    const current = await buildSandboxImage(eng, { profile: img().profile, payload: img().payload, recorder: memoryRecorder() });
    if (!current.ok) throw new Error(current.error.message);
    img().refs.add(inUse);
    expect((await eng.tagImage(current.value.imageRef, inUse)).ok).toBe(true);

    // Tagged just now, as a run taking the image up does: kept under the default grace period.
    await writeFile(join(img().scratch, "fourth.js"), "4\n");
    const payloadD = [...img().payload, { source: join(img().scratch, "fourth.js"), target: "/opt/macro/fourth.js" }];
    const d = await buildSandboxImage(eng, { profile: img().profile, payload: payloadD, recorder: memoryRecorder() });
    if (!d.ok) throw new Error(d.error.message);
    img().refs.add(d.value.imageRef);
    expect(d.value.pruned).toEqual([]);
    expect(await eng.imageExists(inUse)).toBe(true);

    // A container (created, never started) from it: kept with no grace at all.
    const name = `macro-prune-user-${process.pid}`;
    deferCleanup(() => eng.removeContainer(name));
    const created = await eng.cli(["create", "--name", name, ...ownerLabelArgs(), inUse]);
    expect(created.exitCode, created.stderr).toBe(0);
    await writeFile(join(img().scratch, "fifth.js"), "5\n");
    const payloadE = [...img().payload, { source: join(img().scratch, "fifth.js"), target: "/opt/macro/fifth.js" }];
    const e = await buildSandboxImage(eng, { profile: img().profile, payload: payloadE, recorder: memoryRecorder(), pruneGraceMs: 0 });
    if (!e.ok) throw new Error(e.error.message);
    img().refs.add(e.value.imageRef);
    expect(e.value.pruned).not.toContain(inUse);
    expect(e.value.pruned).toContain(d.value.imageRef);
    expect(await eng.imageExists(inUse)).toBe(true);
  });
});
