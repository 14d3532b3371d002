import { config } from "zod";
import { describe, expect, it } from "vitest";
import { PacketManifest } from "./index.ts";

describe("zod as this package uses it", () => {
  it("runs jitless once the package is loaded: no parser compiled with new Function", () => {
    expect(PacketManifest).toBeDefined();
    expect(config().jitless).toBe(true);
  });
});
