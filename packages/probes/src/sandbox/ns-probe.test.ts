import { describe, expect, it } from "vitest";
import { errno, fakeEnv, judge } from "./_test-support.ts";
import { p10NotHostNamespaces, parseNsLink } from "./ns-probe.ts";

describe("P10-NS-NOT-HOST", () => {
  it("passes with private pid/ipc/uts namespaces and lists every inode", async () => {
    const result = await judge(p10NotHostNamespaces, fakeEnv());
    expect(result.verdict).toBe("PASS");
    expect(result.evidence).toContain("pid: 4026532180 (init 4026531836)");
    expect(result.evidence).toContain("user: 4026531837 (informational)");
  });

  it("fails when the pid namespace is the host's", async () => {
    const env = fakeEnv({ links: { "/proc/self/ns/pid": "pid:[4026531836]" } });
    expect(await judge(p10NotHostNamespaces, env)).toMatchObject({
      verdict: "FAIL",
      actual: { pidNsIsHost: true, ipcNsIsHost: false, utsNsIsHost: false },
    });
  });

  it("is inconclusive when a judged link cannot be read", async () => {
    const env = fakeEnv();
    env.readlink = async (path) => {
      if (path.endsWith("/ipc")) throw errno("EACCES");
      return "pid:[1]";
    };
    expect((await judge(p10NotHostNamespaces, env)).verdict).toBe("INCONCLUSIVE");
  });

  it("parses ns links strictly", () => {
    expect(parseNsLink("uts:[4026531838]")).toBe(4026531838);
    expect(parseNsLink("uts:4026531838")).toBeNull();
  });
});
