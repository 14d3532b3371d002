import { describe, expect, it } from "vitest";
import { errno, fakeEnv } from "./_test-support.ts";
import type { HelperRun } from "./env.ts";
import { batchedHelper, callHelper, outcomeOf } from "./helper.ts";
import { helperCommands, planFromArgv } from "./helper-exec.ts";

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

describe("batchedHelper", () => {
  const line = (call: string) => `{"call":"${call}","ret":-1,"errno":"EPERM"}`;
  const sections = (...names: string[]) => names.map((n) => `{"section":"${n}"}\n${line(`${n}_call`)}\n`).join("");
  /** A scripted helper runner that records every exec it is asked for. */
  const runner = (batch: HelperRun | Error) => {
    const execs: string[][] = [];
    const single = async (args: string[]): Promise<HelperRun> => {
      execs.push(args);
      if (args[0] === "batch") {
        if (batch instanceof Error) throw batch;
        return batch;
      }
      return { exitCode: 0, signal: null, stdout: `${line(`${args[0] ?? ""}_alone`)}\n` };
    };
    return { execs, run: batchedHelper(single) };
  };
  const ALL = ["mount", "unshare", "nnp", "nsflags"];

  it("runs every probe command in one exec and answers each with exactly its own section", async () => {
    const { execs, run } = runner({ exitCode: 0, signal: null, stdout: sections(...ALL) });
    expect((await run(["unshare"])).stdout).toBe(`${line("unshare_call")}\n`);
    expect((await run(["mount", "/tmp"])).stdout).toBe(`${line("mount_call")}\n`);
    expect((await run(["nsflags"])).stdout).toBe(`${line("nsflags_call")}\n`);
    expect((await run(["nnp"])).stdout).toBe(`${line("nnp_call")}\n`);
    expect(execs).toEqual([["batch", "mount", "/tmp", "--", "unshare", "--", "nnp", "--", "nsflags"]]);
  });

  it("uses a batch exec already started instead of starting one, and falls back to single execs if it failed", async () => {
    const execs: string[][] = [];
    const single = async (args: string[]): Promise<HelperRun> => {
      execs.push(args);
      return { exitCode: 0, signal: null, stdout: `${line(`${args[0] ?? ""}_alone`)}\n` };
    };
    const started = Promise.resolve<HelperRun>({ exitCode: 0, signal: null, stdout: sections(...ALL) });
    const early = batchedHelper(single, undefined, started);
    expect((await early(["nnp"])).stdout).toBe(`${line("nnp_call")}\n`);
    expect((await early(["mount", "/tmp"])).stdout).toBe(`${line("mount_call")}\n`);
    expect(execs).toEqual([]);
    const failed = Promise.reject(Object.assign(new Error("spawn"), { code: "ENOENT" }));
    const fallback = batchedHelper(single, undefined, failed);
    expect((await fallback(["unshare"])).stdout).toBe(`${line("unshare_alone")}\n`);
    expect(execs).toEqual([["unshare"]]);
  });

  it("passes every other command straight through", async () => {
    const { execs, run } = runner({ exitCode: 0, signal: null, stdout: sections(...ALL) });
    await run(["mount", "/elsewhere"]);
    expect(execs).toEqual([["mount", "/elsewhere"]]);
  });

  it.each([
    ["exits non-zero (a helper without batch)", { exitCode: 2, signal: null, stdout: "" }],
    ["is killed", { exitCode: null, signal: "SIGSYS", stdout: sections("mount") }],
    ["misses a section", { exitCode: 0, signal: null, stdout: sections("mount", "unshare", "nnp") }],
    ["answers out of order", { exitCode: 0, signal: null, stdout: sections("unshare", "mount", "nnp", "nsflags") }],
    ["prints a line before the first section", { exitCode: 0, signal: null, stdout: `${line("stray")}\n${sections(...ALL)}` }],
  ])("falls back to one exec per command when the batch %s", async (_why, answer) => {
    const { execs, run } = runner(answer);
    expect((await run(["nnp"])).stdout).toBe(`${line("nnp_alone")}\n`);
    expect((await run(["unshare"])).stdout).toBe(`${line("unshare_alone")}\n`);
    expect(execs.map((a) => a[0])).toEqual(["batch", "nnp", "unshare"]);
  });

  it("a helper that cannot start fails each probe as before: could not start (ENOENT)", async () => {
    const execs: string[][] = [];
    const run = batchedHelper(async (args) => {
      execs.push(args);
      throw Object.assign(new Error("spawn"), { code: "ENOENT" });
    });
    const env = { ...fakeEnv(), runHelper: run };
    expect(await callHelper(env, ["nnp"])).toEqual({ ok: false, reason: "helper could not start (ENOENT)" });
    expect(execs.map((a) => a[0])).toEqual(["batch", "nnp"]);
  });
});

describe("the sweep's plan, read from argv before zod loads", () => {
  const p05 = { id: "P05-SYS-SECCOMP-SWEEP", title: "t", expected: { allowlist: { $set: ["write", "read"] }, socketFamilies: { $set: [2, 1] }, socketpairFamilies: [1] } };
  it("puts the sweep and the families into the one batch, with exactly the args P05 will ask for", () => {
    const plan = planFromArgv(["--expect-json", JSON.stringify([p05]), "--nonce", "x"]);
    expect(plan).toEqual({ allowlist: ["write", "read"], socketFamilies: [2, 1], socketpairFamilies: [1] });
    expect(helperCommands(plan).slice(-2)).toEqual([["sweep", "read,write"], ["families", "1,2", "1"]]);
    expect(planFromArgv(["--expect-json", JSON.stringify({ probes: [p05] })])).toEqual(plan);
  });
  it("gives no plan for anything unexpected (the sweep then runs on its own exec)", () => {
    expect(planFromArgv(["/in/expect.json"])).toBeNull();
    expect(planFromArgv(["--expect-json", "{not json"])).toBeNull();
    expect(planFromArgv(["--expect-json", JSON.stringify([{ ...p05, expected: { allowlist: ["read,write"] } }])])).toBeNull();
    expect(planFromArgv(["--expect-json", JSON.stringify([{ ...p05, expected: { ...p05.expected, allowlist: ["../x"] } }])])).toBeNull();
  });
});
