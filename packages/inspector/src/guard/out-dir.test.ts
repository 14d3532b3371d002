import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { mkdirSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { guardedOutDir } from "./out-dir.ts";
import { tempDirSync } from "@macro/test-utils";

describe("guardedOutDir", () => {
  let root: string;
  let packet: string;
  beforeEach(() => {
    root = realpathSync(tempDirSync("tki-out-"));
    packet = join(root, "packet");
    mkdirSync(packet);
    writeFileSync(join(packet, "manifest.json"), "{}");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("accepts a new directory beside the packet and creates nothing", () => {
    const result = guardedOutDir(join(root, "report"), packet);
    expect(result).toEqual({ ok: true, value: join(root, "report") });
    expect(readdirSync(root).sort()).toEqual(["packet"]);
  });

  it("[#44] refuses --out inside the packet directory, or the packet itself", () => {
    expect(guardedOutDir(join(packet, "report"), packet)).toMatchObject({ ok: false, error: { code: "OUT_INSIDE_PACKET" } });
    expect(guardedOutDir(packet, packet)).toMatchObject({ ok: false, error: { code: "OUT_INSIDE_PACKET" } });
    expect(guardedOutDir(join(packet, "a", "b"), join(root, ".", "packet"))).toMatchObject({ ok: false });
  });

  it("[#44] refuses --out that is a symlink", () => {
    mkdirSync(join(root, "elsewhere"));
    symlinkSync(join(root, "elsewhere"), join(root, "link"));
    expect(guardedOutDir(join(root, "link"), packet)).toMatchObject({ ok: false, error: { code: "OUT_IS_SYMLINK" } });
  });

  it("[#44] refuses --out under a symlinked parent that leads into the packet", () => {
    symlinkSync(packet, join(root, "sneaky"));
    expect(guardedOutDir(join(root, "sneaky", "report"), packet)).toMatchObject({
      ok: false,
      error: { code: "OUT_INSIDE_PACKET" },
    });
  });

  it("refuses --out that is a file", () => {
    writeFileSync(join(root, "file"), "x");
    expect(guardedOutDir(join(root, "file"), packet)).toMatchObject({ ok: false, error: { code: "OUT_NOT_DIRECTORY" } });
  });

  it("does not mistake a sibling with a common prefix for the inside", () => {
    expect(guardedOutDir(join(root, "packet-report"), packet)).toMatchObject({ ok: true });
  });
});
