import { execFileSync, spawn } from "node:child_process";
import { rm, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "@macro/test-utils";
import { InputError } from "./errors.ts";
import { inputError, readInput, readInputSync, readInputText } from "./read-input.ts";

let dir: string;
beforeAll(async () => {
  dir = await tempDir("macro-read-input-");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const both = async (path: string, options: Parameters<typeof readInput>[1]) => {
  const a = await readInput(path, options);
  const b = readInputSync(path, options);
  expect(b.ok ? "ok" : b.error.code).toBe(a.ok ? "ok" : a.error.code);
  return a;
};
const codeOf = async (path: string, options: Parameters<typeof readInput>[1]) => {
  const r = await both(path, options);
  return r.ok ? "ok" : r.error.code;
};

describe("readInput", () => {
  it("reads a regular file whole", async () => {
    const p = join(dir, "ok.yaml");
    await writeFile(p, "a: 1\n");
    const r = await both(p, { kind: "ssot" });
    expect(r.ok && new TextDecoder().decode(r.value)).toBe("a: 1\n");
  });

  it("reads an empty file as empty", async () => {
    const p = join(dir, "empty");
    await writeFile(p, "");
    const r = await both(p, { kind: "key" });
    expect(r.ok && r.value.byteLength).toBe(0);
  });

  it("refuses a FIFO without opening it (no writer: an open would block forever)", async () => {
    const p = join(dir, "fifo");
    execFileSync("mkfifo", [p]);
    expect(await codeOf(p, { kind: "ssot" })).toBe("INPUT_NOT_REGULAR");
    // And behind a symlink.
    await symlink(p, join(dir, "fifo-link"));
    expect(await codeOf(join(dir, "fifo-link"), { kind: "ssot" })).toBe("INPUT_NOT_REGULAR");
  });

  it("refuses a character device (/dev/zero never ends) and a directory", async () => {
    expect(await codeOf("/dev/zero", { kind: "profile" })).toBe("INPUT_NOT_REGULAR");
    expect(await codeOf("/dev/null", { kind: "key" })).toBe("INPUT_NOT_REGULAR");
    expect(await codeOf(dir, { kind: "matrix" })).toBe("INPUT_NOT_REGULAR");
  });

  it("refuses a socket", async () => {
    const p = join(dir, "sock");
    const server = createServer();
    await new Promise<void>((done) => server.listen(p, done));
    try {
      expect(await codeOf(p, { kind: "facts" })).toBe("INPUT_NOT_REGULAR");
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it("refuses a file over its kind's limit before reading it, and honours a tighter limit", async () => {
    const p = join(dir, "big.pem");
    await writeFile(p, Buffer.alloc(64 * 1024 + 1, 0x41));
    const r = await both(p, { kind: "key" });
    expect(r.ok ? null : r.error).toMatchObject({ code: "INPUT_TOO_LARGE", file: p, kind: "key" });
    expect(await codeOf(p, { kind: "bundle", maxBytes: 10 })).toBe("INPUT_TOO_LARGE");
    // A caller cannot loosen the kind's limit.
    expect(await codeOf(p, { kind: "key", maxBytes: 1 << 30 })).toBe("INPUT_TOO_LARGE");
  });

  it("reads exactly at the limit", async () => {
    const p = join(dir, "exact");
    await writeFile(p, Buffer.alloc(100, 0x41));
    const r = await both(p, { kind: "key", maxBytes: 100 });
    expect(r.ok && r.value.byteLength).toBe(100);
  });

  it("follows a symlink to a regular file unless told not to", async () => {
    const target = join(dir, "target.txt");
    await writeFile(target, "x");
    await symlink(target, join(dir, "link.txt"));
    expect(await codeOf(join(dir, "link.txt"), { kind: "key" })).toBe("ok");
    expect(await codeOf(join(dir, "link.txt"), { kind: "key", noSymlink: true })).toBe("INPUT_NOT_REGULAR");
  });

  it("says no such file for a missing path and for a path through a file", async () => {
    expect(await codeOf(join(dir, "missing"), { kind: "ssot" })).toBe("INPUT_NOT_FOUND");
    await writeFile(join(dir, "plain"), "x");
    expect(await codeOf(join(dir, "plain", "below"), { kind: "ssot" })).toBe("INPUT_NOT_FOUND");
  });

  it("names the file as shown, and becomes an exit-2 InputError", async () => {
    const r = await readInput(join(dir, "nope"), { kind: "matrix", shown: "nope.yaml" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toBe("nope.yaml: no such file");
    const e = inputError(r.error);
    expect(e).toBeInstanceOf(InputError);
    expect(e.exitCode).toBe(2);
    expect(e.file).toBe("nope.yaml");
  });

  it("refuses text that is not UTF-8", async () => {
    const p = join(dir, "latin1");
    await writeFile(p, Buffer.from([0x61, 0xe9, 0x62]));
    const r = await readInputText(p, { kind: "ssot" });
    expect(r.ok ? "ok" : r.error.code).toBe("INPUT_NOT_UTF8");
  });

  it("cannot be raced: a path flipping between a file and a link to a FIFO never blocks a read", async () => {
    const p = join(dir, "flip");
    const fifo = join(dir, "flip-fifo");
    execFileSync("mkfifo", [fifo]);
    await writeFile(p, "regular");
    // Another process swaps the path as fast as it can while this one reads it.
    const swapper = spawn(process.execPath, [
      "-e",
      `const fs = require("node:fs");
       const [p, fifo, dir] = process.argv.slice(1);
       for (;;) {
         fs.symlinkSync(fifo, dir + "/l"); fs.renameSync(dir + "/l", p);
         fs.writeFileSync(dir + "/r", "regular"); fs.renameSync(dir + "/r", p);
       }`,
      p,
      fifo,
      dir,
    ], { stdio: "ignore" });
    try {
      const seen = new Set<string>();
      for (let k = 0; k < 5000; k += 1) {
        const r = k % 2 === 0 ? readInputSync(p, { kind: "ssot" }) : await readInput(p, { kind: "ssot", noSymlink: true });
        if (r.ok) expect(new TextDecoder().decode(r.value)).toBe("regular");
        else expect(["INPUT_NOT_REGULAR", "INPUT_CHANGED", "INPUT_NOT_FOUND"]).toContain(r.error.code);
        seen.add(r.ok ? "ok" : r.error.code);
      }
      expect(seen.has("ok")).toBe(true);
    } finally {
      const exited = new Promise((done) => swapper.once("exit", done));
      swapper.kill("SIGKILL");
      await exited;
    }
  });
});
