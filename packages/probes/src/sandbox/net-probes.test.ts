import { describe, expect, it } from "vitest";
import { errno, fakeEnv, judge, ROUTE_HEADER } from "./_test-support.ts";
import { EGRESS_TARGET, p11LoopbackOnly, p12EgressUnreachable, parseNetDev } from "./net-probes.ts";

const DEFAULT_ROUTE = `${ROUTE_HEADER}eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0\n`;
const NET_DEV = `Inter-|   Receive |  Transmit
 face |bytes    packets
    lo:       0       0
  eth0:    1234      10
`;

describe("P11-NET-TOPOLOGY-LO-ONLY", () => {
  it("passes with lo only and no routes off it", async () => {
    const result = await judge(p11LoopbackOnly, fakeEnv());
    expect(result).toMatchObject({ verdict: "PASS", actual: { interfaces: ["lo"], ipv4Routes: 0, nonLoIpv6Routes: 0 } });
  });

  it("fails with an eth0 and a default route", async () => {
    const env = fakeEnv({ dirs: { "/sys/class/net": ["lo", "eth0"] }, files: { "/proc/net/route": DEFAULT_ROUTE } });
    expect(await judge(p11LoopbackOnly, env)).toMatchObject({ verdict: "FAIL", actual: { interfaces: ["eth0", "lo"], ipv4Routes: 1 } });
  });

  it("falls back to /proc/net/dev when /sys is unavailable", async () => {
    const env = fakeEnv({ dirs: { "/sys/class/net": errno("ENOENT") }, files: { "/proc/net/dev": NET_DEV } });
    const result = await judge(p11LoopbackOnly, env);
    expect(result).toMatchObject({ verdict: "FAIL", actual: { interfaces: ["eth0", "lo"] } });
    expect(result.evidence[0]).toContain("/proc/net/dev");
  });

  it("counts IPv6 routes that are not on lo, and treats a missing ipv6_route as no IPv6", async () => {
    const v6 = "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n";
    expect((await judge(p11LoopbackOnly, fakeEnv({ files: { "/proc/net/ipv6_route": v6 } }))).actual.nonLoIpv6Routes).toBe(1);
    expect((await judge(p11LoopbackOnly, fakeEnv({ files: { "/proc/net/ipv6_route": errno("ENOENT") } }))).verdict).toBe("PASS");
  });

  it("parses interface names from /proc/net/dev", () => {
    expect(parseNetDev(NET_DEV)).toEqual(["lo", "eth0"]);
  });
});

describe("P12-NET-EGRESS-UNREACHABLE", () => {
  it("connects once, to TEST-NET-1 port 9 over IPv4, only when lo is alone and unrouted", async () => {
    const env = fakeEnv();
    const result = await judge(p12EgressUnreachable, env);
    expect(result).toMatchObject({ verdict: "PASS", actual: { connectErrno: "ENETUNREACH" } });
    expect(env.calls.connect).toEqual([{ host: "192.0.2.1", port: 9, family: 4, timeoutMs: 1000 }]);
    expect(result.evidence).toContain("connect attempted: yes, 192.0.2.1:9/tcp → ENETUNREACH");
  });

  const unsafe: [string, Parameters<typeof fakeEnv>[0]][] = [
    ["another interface exists", { dirs: { "/sys/class/net": ["eth0", "lo"] } }],
    ["no interface is visible", { dirs: { "/sys/class/net": [] } }],
    ["an IPv4 route exists", { files: { "/proc/net/route": DEFAULT_ROUTE } }],
    ["an IPv6 route leaves lo", { files: { "/proc/net/ipv6_route": "x 0 x 0 x 0 0 0 0 eth0\n" } }],
    ["the routes cannot be read", { files: { "/proc/net/route": errno("EACCES") } }],
    ["interfaces cannot be read at all", { dirs: { "/sys/class/net": errno("EACCES") }, files: { "/proc/net/dev": errno("EACCES") } }],
  ];
  for (const [why, options] of unsafe) {
    it(`never connects when ${why}: NOT_RUN_UNSAFE`, async () => {
      const env = fakeEnv(options);
      const result = await judge(p12EgressUnreachable, env);
      expect(env.calls.connect).toEqual([]);
      expect(result).toMatchObject({ status: "not-run-unsafe", verdict: "NOT_RUN_UNSAFE", actual: { connectErrno: "not-attempted" } });
      expect(result.evidence).toContain("connect attempted: no");
    });
  }

  it("fails when the connect succeeds or times out", async () => {
    const connected = await judge(p12EgressUnreachable, fakeEnv({ connect: async () => ({ kind: "connected" }) }));
    expect(connected).toMatchObject({ verdict: "FAIL", actual: { connectErrno: "connected" } });
    const timeout = await judge(p12EgressUnreachable, fakeEnv({ connect: async () => ({ kind: "timeout" }) }));
    expect(timeout).toMatchObject({ verdict: "FAIL", actual: { connectErrno: "ETIMEDOUT" } });
  });

  it("passes when seccomp or an LSM refuses the socket", async () => {
    const env = fakeEnv({ connect: async () => ({ kind: "error", code: "EPERM" }) });
    expect((await judge(p12EgressUnreachable, env)).verdict).toBe("PASS");
  });

  it("targets an RFC 5737 documentation address", () => {
    expect(EGRESS_TARGET.host).toMatch(/^192\.0\.2\./);
  });
});
