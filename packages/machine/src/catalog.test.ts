import { fileURLToPath } from "node:url";
import { loadSsot } from "@macro/ssot";
import { describe, expect, it } from "vitest";
import { validateCatalog } from "./catalog.ts";
import { CHECK_NAMES, OBSERVED_CLASS, trackOfCheck } from "./checks.ts";
import { FAILING, SHA, fakeMachine } from "./_fakes.ts";
import { runMacro } from "./run.ts";
import { MacroInput } from "./types.ts";

// The repo's own SSOT: its blocker catalog must name every check exactly once.
const loaded = await loadSsot(fileURLToPath(new URL("../../../macro.yaml", import.meta.url)));

describe("the repo's macro.yaml blocker catalog", () => {
  it("loads", () => {
    expect(loaded.ok ? "ok" : loaded.error.message).toBe("ok");
  });

  it("names every machine check exactly once", () => {
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(validateCatalog(loaded.value.ssot.blockers)).toEqual([]);
  });

  it.each(CHECK_NAMES.map((c) => [c]))("%s blocks with that catalog entry and the observed class", async (check) => {
    if (!loaded.ok) throw new Error(loaded.error.message);
    // Catalog entries pass straight in; the input schema keeps only id, class and guards.
    const input = MacroInput.parse({ runId: "run-real", ssotSha256: SHA, catalog: loaded.value.ssot.blockers });
    const out = await runMacro(fakeMachine(FAILING[check]), input);
    const entry = loaded.value.ssot.blockers.find((e) => e.guards.includes(check));
    expect(out.status).toBe("blocked");
    expect(out.blocker?.id).toBe(entry?.id);
    expect(out.blocker?.track).toBe(trackOfCheck(check));
    expect(new Set(out.blocker?.class)).toEqual(new Set([...(entry?.class ?? []), OBSERVED_CLASS[check]]));
  });
});
