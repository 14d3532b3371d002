import { describe, expect, it } from "vitest";
import { errno, fakeEnv } from "./_test-support.ts";
import { callHelper, outcomeOf } from "./helper.ts";

const run = (stdout: string, exitCode: number | null = 0, signal: string | null = null) =>
  fakeEnv({ helper: { nnp: { exitCode, signal, stdout } } });

describe("callHelper", () => {
  it("validates every line against the protocol", async () => {
    const result = await callHelper(run('{"call":"x","ret":-1,"errno":"EPERM"}\n{"call":"y","ret":-1,"errno":"none","signal":"SIGSYS"}\n'), ["nnp"]);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.lines.map(outcomeOf)).toEqual(["EPERM", "SIGSYS"]);
  });

  it("rejects the whole run on one non-JSON or off-protocol line", async () => {
    expect((await callHelper(run('{"call":"x","ret":-1,"errno":"EPERM"}\nnot json'), ["nnp"])).ok).toBe(false);
    expect((await callHelper(run('{"call":"x","ret":"-1","errno":"EPERM"}'), ["nnp"])).ok).toBe(false);
    expect((await callHelper(run('{"call":"x","ret":-1,"errno":"EPERM","extra":1}'), ["nnp"])).ok).toBe(false);
  });

  it("reports a helper that exits non-zero, is killed, or cannot start", async () => {
    expect(await callHelper(run("", 2), ["nnp"])).toEqual({ ok: false, reason: "helper nnp exited 2" });
    expect(await callHelper(run("", null, "SIGKILL"), ["nnp"])).toEqual({ ok: false, reason: "helper nnp exited by signal (SIGKILL)" });
    const missing = fakeEnv({ helper: { nnp: errno("ENOENT") } });
    expect(await callHelper(missing, ["nnp"])).toEqual({ ok: false, reason: "helper could not start (ENOENT)" });
  });
});
