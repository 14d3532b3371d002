import { readdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectOnce, realProbeEnv } from "./real-env.ts";
import { tempDir } from "@macro/test-utils";

let dir = "";
beforeAll(async () => {
  dir = await tempDir("macro-probes-env-");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("realProbeEnv", () => {
  it("reads only the head of a file and creates exclusively without writing", async () => {
    const env = realProbeEnv();
    const file = join(dir, "big");
    await writeFile(file, "x".repeat(4096));
    expect(await env.readHead(file, 1)).toBe(1);
    const created = join(dir, "created");
    await env.openForWrite(created, true);
    expect(await readdir(dir)).toContain("created");
    await expect(env.openForWrite(created, true)).rejects.toMatchObject({ code: "EEXIST" });
    await env.unlink(created);
    await expect(env.lstat(created)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("reports a helper that cannot be started as an errno, not as a run", async () => {
    process.env.MACRO_SYSCALL_HELPER = join(dir, "no-such-helper");
    try {
      await expect(realProbeEnv().runHelper(["nnp"])).rejects.toMatchObject({ code: "ENOENT" });
    } finally {
      delete process.env.MACRO_SYSCALL_HELPER;
    }
  });
});

describe("connectOnce (loopback only)", () => {
  it("reports connected, refused, and never resolves names", async () => {
    const server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    try {
      expect(await connectOnce({ host: "127.0.0.1", port: address.port, family: 4, timeoutMs: 1000 })).toEqual({ kind: "connected" });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await connectOnce({ host: "127.0.0.1", port: address.port, family: 4, timeoutMs: 1000 })).toEqual({
      kind: "error",
      code: "ECONNREFUSED",
    });
    // A name would need the lookup hook, which throws: the connect fails locally, nothing is resolved.
    const named = await connectOnce({ host: "localhost", port: address.port, family: 4, timeoutMs: 1000 });
    expect(named).toEqual({ kind: "error", code: "EMACRONODNS" });
  });
});
