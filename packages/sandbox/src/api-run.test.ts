import { afterEach, describe, expect, it } from "vitest";
import type { RunRequest } from "./engine.ts";
import { apiRun } from "./api-run.ts";
import { FAKE_ID, fakeEngine, frame, type FakeEngine, type Script } from "./_fake-engine.ts";
import { REFERENCE_STRICT_RUN_FLAGS } from "./reference-profile.ts";

let fake: FakeEngine | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function runWith(script: Script, over: Partial<RunRequest> = {}) {
  fake = await fakeEngine(script);
  let created = 0;
  const request: RunRequest = {
    args: [],
    env: {},
    spec: { name: "macro-test", image: "img:1", flags: { ...REFERENCE_STRICT_RUN_FLAGS, seccomp: "unconfined" }, seccompProfilePath: "unconfined", command: ["-e", "0"] },
    timeoutMs: 10_000,
    onCreated: () => (created += 1),
    ...over,
  };
  const result = await apiRun(fake.target, request, null);
  return { result, created, calls: fake.calls, left: fake.exists() };
}

const SEQUENCE = ["POST /v1.41/containers/create", `GET /v1.41/containers/${FAKE_ID}/json`, `POST /v1.41/containers/${FAKE_ID}/attach`, `POST /v1.41/containers/${FAKE_ID}/wait`, `POST /v1.41/containers/${FAKE_ID}/start`];

describe("apiRun against a scripted engine on a unix socket", () => {
  it("creates, attaches, waits, then starts; splits stdout from stderr; returns the exit code", async () => {
    const r = await runWith({ output: [frame(1, "out-1 "), Buffer.concat([frame(2, "err"), frame(1, "out-2")])], exitCode: 3 });
    expect(r.calls).toEqual(SEQUENCE);
    expect(r.result).toMatchObject({ exitCode: 3, stdout: "out-1 out-2", stderr: "err", engineError: null, imageMissing: false, settled: true });
    expect(r.created).toBe(1);
  });

  it("a 404 on create is a missing image: nothing created, nothing recorded", async () => {
    const r = await runWith({ create: { status: 404, body: '{"message":"No such image: img:1"}' } });
    expect(r.result).toMatchObject({ imageMissing: true, exitCode: null });
    expect(r.created).toBe(0);
    expect(r.calls).toEqual(["POST /v1.41/containers/create"]);
  });

  it("an engine refusal on create carries the engine's message and records nothing", async () => {
    const r = await runWith({ create: { status: 500, body: '{"message":"Decoding seccomp profile failed"}' } });
    expect(r.result.engineError).toBe("create answered 500: Decoding seccomp profile failed");
    expect(r.created).toBe(0);
  });

  it("a 201 without a container id is recorded as created (the caller removes it by name)", async () => {
    const r = await runWith({ create: { status: 201, body: "not json" } });
    expect(r.result.engineError).toBe("create answered 201 without a container id");
    expect(r.created).toBe(1);
  });

  it("a connection cut during create may have created it: recorded, and not settled so the caller sweeps", async () => {
    const r = await runWith({ create: "hang-up" });
    expect(r.result.engineError).toMatch(/^create failed: /);
    expect(r.result.settled).toBe(false);
    expect(r.created).toBe(1);
  });

  it("no socket at all: nothing was sent, nothing recorded", async () => {
    fake = await fakeEngine({});
    let created = 0;
    const spec = { name: "macro-test", image: "img:1", flags: { ...REFERENCE_STRICT_RUN_FLAGS, seccomp: "unconfined" }, seccompProfilePath: "unconfined", command: [] };
    const r = await apiRun({ socketPath: "/nonexistent/macro.sock", prefix: "/v1.41" }, { args: [], env: {}, spec, timeoutMs: 5_000, onCreated: () => (created += 1) }, null);
    expect(r.engineError).toMatch(/ENOENT/);
    expect([r.settled, created]).toEqual([true, 0]);
  });

  it("a refused start removes the container", async () => {
    const r = await runWith({ start: { status: 500, body: '{"message":"OCI runtime create failed"}' } });
    expect(r.result.engineError).toBe("start answered 500: OCI runtime create failed");
    expect(r.calls).toContain(`DELETE /v1.41/containers/${FAKE_ID}`);
    expect(r.left).toBe(false);
  });

  it("an attach answered without an upgrade removes the container", async () => {
    const r = await runWith({ attach: { status: 409, body: '{"message":"container is paused"}' } });
    expect(r.result.engineError).toBe("attach answered 409: container is paused");
    expect(r.calls).not.toContain(`POST /v1.41/containers/${FAKE_ID}/start`);
    expect(r.left).toBe(false);
  });

  it("a malformed frame on the attach stream is an engine error, never output", async () => {
    const r = await runWith({ output: [frame(1, "ok"), Buffer.from([7, 0, 0, 0, 0, 0, 0, 1, 65])] });
    expect(r.result.engineError).toBe("attach stream: malformed frame header");
    expect(r.result.exitCode).toBeNull();
    expect(r.left).toBe(false);
  });

  it("a stream that ends inside a frame is an engine error", async () => {
    const r = await runWith({ output: [frame(1, "complete").subarray(0, 11)] });
    expect(r.result.engineError).toBe("attach stream: ended inside a frame");
  });

  it("a wait answer without an exit code is an engine error", async () => {
    const r = await runWith({ waitBody: '{"Status":"gone"}' });
    expect(r.result.engineError).toBe("wait answered without an exit code");
  });

  it("a wait answer carrying an engine error is an engine error", async () => {
    const r = await runWith({ waitBody: '{"StatusCode":-1,"Error":{"Message":"container removal failed"}}' });
    expect(r.result.engineError).toBe("wait: container removal failed");
  });

  it("an abort mid-run force-removes the container and reports aborted", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const r = await runWith({ runsForever: true, output: [frame(1, "partial")] }, { signal: controller.signal });
    expect(r.result).toMatchObject({ aborted: true, timedOut: false, settled: true, exitCode: null });
    expect(r.calls.slice(0, SEQUENCE.length)).toEqual(SEQUENCE);
    expect(r.calls).toContain(`DELETE /v1.41/containers/${FAKE_ID}`);
    expect(r.left).toBe(false);
  });

  it("reads the engine's record before the start and returns it", async () => {
    const r = await runWith({});
    expect(r.result.engineRecord?.differences).toEqual([]);
    expect(r.result.engineRecord?.reported.cgroupnsMode).toBe("private");
  });

  it("an engine record that differs from the request: removed, never started, the field named", async () => {
    const r = await runWith({
      record: (honest) => ({ ...honest, HostConfig: { ...(honest.HostConfig as object), GroupAdd: ["998"], PidMode: "host" } }),
    });
    expect(r.result.engineRecord?.differences.map((d) => d.field)).toEqual(["pidMode", "groupAdd"]);
    expect(r.result.engineError).toMatch(/pidMode .*groupAdd/);
    expect(r.calls.some((c) => c.endsWith("/start"))).toBe(false);
    expect(r.calls).toContain(`DELETE /v1.41/containers/${FAKE_ID}`);
    expect(r.left).toBe(false);
  });

  it("an engine record that does not parse fails closed before the start", async () => {
    const r = await runWith({ record: () => ({ Id: FAKE_ID }) });
    expect(r.result.engineError).toMatch(/does not parse/);
    expect(r.calls.some((c) => c.endsWith("/start"))).toBe(false);
    expect(r.left).toBe(false);
  });

  it("an abort before anything was sent sends nothing", async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runWith({}, { signal: controller.signal });
    expect(r.result.aborted).toBe(true);
    expect([r.calls, r.created]).toEqual([[], 0]);
  });

  it("a timeout force-removes the container and reports timedOut", async () => {
    const r = await runWith({ runsForever: true }, { timeoutMs: 200 });
    expect(r.result).toMatchObject({ timedOut: true, aborted: false, exitCode: null });
    expect(r.calls).toContain(`DELETE /v1.41/containers/${FAKE_ID}`);
    expect(r.left).toBe(false);
  });
});
