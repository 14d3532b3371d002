import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatSimulatedVenueError, loadSimulatedVenue, venueSourceFromEnv } from "./simulated.ts";
import { venueFixture } from "./test-helpers.ts";
import { tempDir } from "@macro/test-utils";

let scratch = "";
beforeAll(async () => {
  scratch = await tempDir("macro-venue-");
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function write(name: string, text: string): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, text);
  return path;
}

describe("loadSimulatedVenue", () => {
  it.each(["macos.json", "ci-runner.json", "bare-vps.json", "server-engine.json", "readonly-socket.json", "windows.json", "freebsd.json"])(
    "loads fixtures/venues/%s as a simulated source",
    async (name) => {
      const result = await loadSimulatedVenue(venueFixture(name));
      if (!result.ok) throw new Error(formatSimulatedVenueError(result.error));
      expect(result.value.kind).toBe("simulated");
    },
  );

  it("reports a missing file", async () => {
    const result = await loadSimulatedVenue(join(scratch, "missing.json"));
    expect(result.ok ? null : result.error.code).toBe("VENUE_FACTS_NOT_FOUND");
  });

  it("reports a file that is not JSON", async () => {
    const result = await loadSimulatedVenue(await write("bad.json", "{ platform: linux"));
    expect(result.ok ? null : result.error.code).toBe("VENUE_FACTS_JSON");
  });

  it("names the path of a wrong type and rejects unknown keys", async () => {
    const path = await write("wrong.json", JSON.stringify({ platform: "linux", engines: [{ kind: "docker", reachable: "yes" }], extra: 1 }));
    const result = await loadSimulatedVenue(path);
    if (result.ok) throw new Error("expected a refusal");
    expect(result.error.code).toBe("VENUE_FACTS_INVALID");
    expect(result.error.issues.map((i) => i.path).sort()).toEqual(["engines[0].reachable", "extra"]);
    expect(formatSimulatedVenueError(result.error)).toContain(`${path}: engines[0].reachable: expected boolean, received string`);
  });

  it("rejects an engine kind it does not know", async () => {
    const result = await loadSimulatedVenue(await write("kind.json", JSON.stringify({ platform: "linux", engines: [{ kind: "lxd", reachable: true }] })));
    expect(result.ok ? [] : result.error.issues.map((i) => i.path)).toEqual(["engines[0].kind"]);
  });
});

describe("venueSourceFromEnv", () => {
  it("observes live without MACRO_VENUE_FACTS", async () => {
    const result = await venueSourceFromEnv({ PATH: "/nonexistent" });
    expect(result.ok ? result.value.kind : null).toBe("live");
  });

  it("loads the simulated file MACRO_VENUE_FACTS names", async () => {
    const result = await venueSourceFromEnv({ MACRO_VENUE_FACTS: venueFixture("macos.json") });
    expect(result.ok ? result.value.platform() : null).toBe("darwin");
    expect(result.ok ? result.value.kind : null).toBe("simulated");
  });

  it("refuses a MACRO_VENUE_FACTS file that does not exist instead of falling back to live", async () => {
    const result = await venueSourceFromEnv({ MACRO_VENUE_FACTS: join(scratch, "nope.json") });
    expect(result.ok ? null : result.error.code).toBe("VENUE_FACTS_NOT_FOUND");
  });
});
