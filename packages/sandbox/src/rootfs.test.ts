import { createHash, randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "@macro/ssot";
import { digestTag } from "./image.ts";
import { parseLdd, rootfsEntries, sha256File } from "./rootfs.ts";
import { tempDir } from "@macro/test-utils";

describe("parseLdd", () => {
  it("keeps resolved libraries and the loader, skips the vDSO", () => {
    const out = [
      "\tlinux-vdso.so.1 (0x00007ffd)",
      "\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f5d)",
      "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f5d)",
      "\t/lib64/ld-linux-x86-64.so.2 (0x00007f5d)",
    ].join("\n");
    expect(parseLdd(out)).toEqual({ ok: true, value: ["/lib/x86_64-linux-gnu/libdl.so.2", "/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"] });
  });

  it("has nothing for a static binary and fails on a missing library", () => {
    expect(parseLdd("\tnot a dynamic executable")).toEqual({ ok: true, value: [] });
    expect(parseLdd("\tlibfoo.so.1 => not found\n").ok).toBe(false);
  });
});

describe("rootfsEntries", () => {
  it("places node, libs at their host paths, users, a sticky /tmp and the payload, sorted", () => {
    const entries = rootfsEntries("/usr/bin/node", ["/lib64/ld.so"], [{ source: "/h/p.js", target: "/opt/macro/p.js" }]);
    expect(entries.map((e) => e.target)).toEqual(["/etc/group", "/etc/passwd", "/lib64/ld.so", "/opt/macro/p.js", "/tmp", "/usr/local/bin/node"]);
    expect(entries.find((e) => e.target === "/tmp")?.mode).toBe(0o1777);
    const passwd = entries.find((e) => e.target === "/etc/passwd");
    expect(passwd?.kind === "content" && passwd.content.includes("nobody:x:65534:65534")).toBe(true);
  });

  it("rejects relative, escaping or colliding payload targets", () => {
    for (const target of ["opt/x", "/opt/../etc/x", "/usr/local/bin/node", "/opt//x"]) {
      expect(() => rootfsEntries("/n", [], [{ source: "/s", target }])).toThrow(InputError);
    }
  });
});

describe("digestTag", () => {
  const sha = "0123456789abcdef".repeat(4);
  it("appends the first 12 hex to the tag", () => {
    expect(digestTag("tki-inspector:attest", sha)).toBe("tki-inspector:attest-0123456789ab");
    expect(digestTag("localhost:5000/x", sha)).toBe("localhost:5000/x:latest-0123456789ab");
  });
});

describe("sha256File", () => {
  it("equals the digest of the whole content, across the read-chunk boundary", async () => {
    const dir = await tempDir("macro-hash-");
    try {
      for (const size of [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) * 2 + 3]) {
        const bytes = randomBytes(size);
        const file = join(dir, `f${size}`);
        await writeFile(file, bytes);
        expect(await sha256File(file)).toBe(createHash("sha256").update(bytes).digest("hex"));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
