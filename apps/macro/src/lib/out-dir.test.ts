import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkOutDir, checkPacketDir, deliverToOut, readSandboxFile } from "./out-dir.ts";

let root: string;
let ctx: { cwd: string; packetDir: string; repoDir: string };
beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "macro-out-")));
  const repoDir = join(root, "repo");
  const packetDir = join(repoDir, "packet");
  mkdirSync(join(packetDir, "data"), { recursive: true });
  writeFileSync(join(packetDir, "manifest.json"), "{}");
  mkdirSync(join(repoDir, ".git"));
  ctx = { cwd: repoDir, packetDir, repoDir };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const codeOf = async (out: string, c = ctx): Promise<string> => {
  try {
    await checkOutDir(out, c);
    return "ok";
  } catch (e) {
    expect((e as { exitCode?: number }).exitCode).toBe(2);
    return (e as { code: string }).code;
  }
};

/** Modes, owners and entries of every path given, to compare before and after. */
const snapshot = (paths: string[]) => paths.map((p) => { const s = lstatSync(p); return `${p} ${s.mode} ${s.uid}:${s.gid} ${s.isDirectory() ? readdirSync(p).join(",") : s.size}`; });

describe("checkOutDir", () => {
  it("accepts a new directory (parents to be made) and an existing empty one", async () => {
    expect(await codeOf(join(root, "new", "deeper"))).toBe("ok");
    mkdirSync(join(root, "empty"));
    const t = await checkOutDir(join(root, "empty"), ctx);
    expect(t.existing).not.toBeNull();
    expect(await codeOf("reports-x")).toBe("ok");
  });

  it("refuses empty, /, top-level and system paths", async () => {
    for (const out of ["", " ", "/", "/tmp", "/home", "/etc/macro", "/proc/self", "/usr/local/x", "/dev/shm/x", "/var/lib/x", "/sys/x", "/run/x"]) {
      expect(["OUT_EMPTY", "OUT_SYSTEM"], out).toContain(await codeOf(out));
    }
  });

  it("refuses the packet, anything inside it, anything containing it", async () => {
    expect(await codeOf(ctx.packetDir)).toBe("OUT_IN_PACKET");
    expect(await codeOf(join(ctx.packetDir, "x"))).toBe("OUT_IN_PACKET");
    expect(await codeOf(join(ctx.packetDir, "data", "new", "x"))).toBe("OUT_IN_PACKET");
    expect(await codeOf("packet/../packet/out")).toBe("OUT_IN_PACKET");
    // A packet given through a link is judged by its real path.
    symlinkSync(ctx.packetDir, join(root, "packet-link"));
    expect(await codeOf(join(ctx.packetDir, "y"), { ...ctx, packetDir: join(root, "packet-link") })).toBe("OUT_IN_PACKET");
    // Containing: an empty directory cannot contain it, so the packet is put inside a fresh one.
    const outer = join(root, "outer");
    mkdirSync(join(outer, "p"), { recursive: true });
    expect(await codeOf(outer, { ...ctx, packetDir: join(outer, "p") })).toMatch(/OUT_CONTAINS_PACKET|OUT_NOT_EMPTY/);
  });

  it("refuses the repository, what contains it and its .git", async () => {
    expect(await codeOf(ctx.repoDir)).toMatch(/OUT_REPOSITORY|OUT_NOT_EMPTY|OUT_CONTAINS_PACKET/);
    expect(await codeOf(".")).toMatch(/OUT_REPOSITORY|OUT_NOT_EMPTY|OUT_CONTAINS_PACKET/);
    expect(await codeOf(root)).toMatch(/OUT_REPOSITORY|OUT_NOT_EMPTY|OUT_CONTAINS_PACKET/);
    expect(await codeOf(join(ctx.repoDir, ".git", "x"))).toBe("OUT_REPOSITORY");
  });

  it("refuses a symlink anywhere in the path: the last part, a parent, a link to an empty dir", async () => {
    mkdirSync(join(root, "real-empty"));
    symlinkSync(join(root, "real-empty"), join(root, "link"));
    expect(await codeOf(join(root, "link"))).toBe("OUT_SYMLINK");
    expect(await codeOf(join(root, "link", "new"))).toBe("OUT_SYMLINK");
    symlinkSync(ctx.packetDir, join(root, "to-packet"));
    expect(await codeOf(join(root, "to-packet", "x"))).toBe("OUT_SYMLINK");
    symlinkSync("/", join(root, "to-root"));
    expect(await codeOf(join(root, "to-root"))).toBe("OUT_SYMLINK");
    symlinkSync(join(root, "dangling-target"), join(root, "dangling"));
    expect(await codeOf(join(root, "dangling"))).toBe("OUT_SYMLINK");
  });

  it("refuses an existing file, a non-empty directory and a path through a file", async () => {
    writeFileSync(join(root, "file"), "x");
    expect(await codeOf(join(root, "file"))).toBe("OUT_IS_FILE");
    expect(await codeOf(join(root, "file", "x"))).toBe("OUT_NOT_DIR");
    mkdirSync(join(root, "full"));
    writeFileSync(join(root, "full", ".hidden"), "");
    expect(await codeOf(join(root, "full"))).toBe("OUT_NOT_EMPTY");
  });

  it("changes nothing on the host while judging, whatever it is given", async () => {
    const watched = [root, ctx.repoDir, ctx.packetDir, join(ctx.packetDir, "data"), "/", "/tmp"];
    const before = snapshot(watched);
    for (const out of ["/", ctx.packetDir, join(ctx.packetDir, "x"), "", ctx.repoDir, join(root, "new")]) await codeOf(out);
    expect(snapshot(watched)).toEqual(before);
    expect(lstatSync(join(root, "new"), { throwIfNoEntry: false })).toBeUndefined();
  });
});

describe("checkPacketDir", () => {
  it("is exit 2 for a missing packet, a file, or an empty path", async () => {
    for (const p of [join(root, "missing"), join(ctx.packetDir, "manifest.json"), ""]) {
      await expect(checkPacketDir(p, root)).rejects.toMatchObject({ exitCode: 2 });
    }
    expect(await checkPacketDir("packet", ctx.repoDir)).toBe(ctx.packetDir);
  });
});

describe("deliverToOut", () => {
  const files = [{ name: "report.json", bytes: new TextEncoder().encode("{}\n") }, { name: "report.md", bytes: new TextEncoder().encode("# r\n") }];

  it("makes a new --out whole, with its parents, and leaves no stage behind", async () => {
    const out = join(root, "a", "b", "out");
    await deliverToOut(await checkOutDir(out, ctx), files, ctx);
    expect(readdirSync(out).sort()).toEqual(["report.json", "report.md"]);
    expect(readdirSync(join(root, "a", "b"))).toEqual(["out"]);
    expect(statSync(out).mode & 0o777).not.toBe(0o777);
  });

  it("fills an existing empty --out and keeps its mode and owner", async () => {
    const out = join(root, "mine");
    mkdirSync(out, { mode: 0o750 });
    const before = snapshot([out]).map((l) => l.split(" ").slice(0, 3).join(" "));
    await deliverToOut(await checkOutDir(out, ctx), files, ctx);
    expect(snapshot([out]).map((l) => l.split(" ").slice(0, 3).join(" "))).toEqual(before);
    expect(readFileSync(join(out, "report.md"), "utf8")).toBe("# r\n");
  });

  it("TOCTOU: a new --out swapped for a symlink after the check is refused, nothing written through it", async () => {
    const out = join(root, "later");
    const target = await checkOutDir(out, ctx);
    const victim = join(root, "victim");
    mkdirSync(victim);
    symlinkSync(victim, out);
    await expect(deliverToOut(target, files, ctx)).rejects.toMatchObject({ code: "OUT_CHANGED" });
    expect(readdirSync(victim)).toEqual([]);
  });

  it("TOCTOU: a parent swapped for a symlink into the packet after the check is refused", async () => {
    mkdirSync(join(root, "parent"));
    const target = await checkOutDir(join(root, "parent", "out"), ctx);
    rmSync(join(root, "parent"), { recursive: true });
    symlinkSync(ctx.packetDir, join(root, "parent"));
    await expect(deliverToOut(target, files, ctx)).rejects.toMatchObject({ code: "OUT_CHANGED" });
    expect(readdirSync(ctx.packetDir).sort()).toEqual(["data", "manifest.json"]);
  });

  it("TOCTOU: an existing empty --out replaced by another directory, or filled, is refused", async () => {
    const out = join(root, "swap");
    mkdirSync(out);
    const target = await checkOutDir(out, ctx);
    rmSync(out, { recursive: true });
    mkdirSync(out);
    await expect(deliverToOut(target, files, ctx)).rejects.toMatchObject({ code: "OUT_CHANGED" });
    const t2 = await checkOutDir(out, ctx);
    writeFileSync(join(out, "planted"), "");
    await expect(deliverToOut(t2, files, ctx)).rejects.toMatchObject({ code: "OUT_CHANGED" });
    expect(readdirSync(out)).toEqual(["planted"]);
  });
});

describe("readSandboxFile: what a hostile sandbox leaves in its /out is taken as untrusted", () => {
  it("takes a regular file, says null for a missing one", async () => {
    writeFileSync(join(root, "report.json"), "{}");
    expect(new TextDecoder().decode((await readSandboxFile(root, "report.json", 1024)) ?? new Uint8Array())).toBe("{}");
    expect(await readSandboxFile(root, "report.md", 1024)).toBeNull();
  });

  it("refuses a planted link (to a host file, to a FIFO), a FIFO, a directory, and a file over the bound", async () => {
    symlinkSync("/etc/passwd", join(root, "link.json"));
    execFileSync("mkfifo", [join(root, "fifo.json")]);
    symlinkSync(join(root, "fifo.json"), join(root, "to-fifo.json"));
    mkdirSync(join(root, "dir.json"));
    writeFileSync(join(root, "big.json"), Buffer.alloc(2048));
    for (const name of ["link.json", "fifo.json", "to-fifo.json", "dir.json", "big.json"]) {
      await expect(readSandboxFile(root, name, 1024), name).rejects.toMatchObject({ code: "SANDBOX_OUT_REFUSED", exitCode: 3 });
    }
  });
});
