import { describe, it, expect } from "vitest";
import { runGuards, GUARD_ORDER } from "./run.ts";
import { liveGuardContext } from "./context.ts";
import { fakeContext } from "./fake-context.ts";

describe("runGuards", () => {
  it("passes when every guard holds", () => {
    expect(runGuards(fakeContext())).toEqual({ ok: true });
  });

  it("[#38] reports P1 first even when every other guard fails too", () => {
    const ctx = fakeContext({ inputs: {}, uid: 0, env: { DATABASE_URL: "postgres://x" } });
    expect(runGuards(ctx)).toMatchObject({ ok: false, code: "P1_NO_ATTESTATION" });
    expect(GUARD_ORDER[0]).toBe("P1");
  });

  it("[#41] checks the environment before the sandbox", () => {
    const ctx = fakeContext({ uid: 0, env: { DATABASE_URL: "postgres://x" } });
    expect(runGuards(ctx)).toMatchObject({ ok: false, code: "ENV_DATABASE_URL" });
  });

  it("[#38] the live context without an attestation is refused with P1, on any host", () => {
    const verdict = runGuards(liveGuardContext({}, {}));
    expect(verdict).toMatchObject({ ok: false, code: "P1_NO_ATTESTATION" });
  });
});
