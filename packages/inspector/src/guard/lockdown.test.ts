import { describe, it, expect, beforeAll } from "vitest";
import * as net from "node:net";
import * as childProcess from "node:child_process";
import { createRequire } from "node:module";
import { lockdownNetwork } from "./lockdown.ts";
import { GuardViolation } from "./verdict.ts";

// Lockdown is process-wide and permanent, so it lives in its own test file (vitest runs
// each file in its own worker). Every target is 127.0.0.1: if a refusal ever failed,
// nothing would leave the machine.
const require = createRequire(import.meta.url);

describe("lockdownNetwork", () => {
  let refused: readonly string[] = [];
  beforeAll(() => {
    refused = lockdownNetwork();
  });

  it("[#43] fetch throws GuardViolation after lockdown", () => {
    expect(() => fetch("http://127.0.0.1:9/")).toThrow(GuardViolation);
  });

  it("[#43] net.connect throws through the ESM namespace and the CJS module", () => {
    expect(() => net.connect({ host: "127.0.0.1", port: 9 })).toThrow(GuardViolation);
    const cjsNet = require("node:net") as typeof import("node:net");
    expect(() => cjsNet.createConnection({ host: "127.0.0.1", port: 9 })).toThrow(/network use refused/);
    expect(() => new cjsNet.Socket().connect({ host: "127.0.0.1", port: 9 })).toThrow(GuardViolation);
  });

  it("[#43] child_process.spawn throws after lockdown", () => {
    expect(() => childProcess.spawn(process.execPath, ["--version"])).toThrow(GuardViolation);
    expect(() => childProcess.execFileSync(process.execPath, ["--version"])).toThrow(GuardViolation);
  });

  it("[#43] dns, http, https and tls are refused too", () => {
    const dns = require("node:dns") as typeof import("node:dns");
    const dnsPromises = require("node:dns/promises") as typeof import("node:dns/promises");
    const http = require("node:http") as typeof import("node:http");
    const https = require("node:https") as typeof import("node:https");
    const tls = require("node:tls") as typeof import("node:tls");
    expect(() => dns.lookup("localhost", () => undefined)).toThrow(GuardViolation);
    expect(() => dns.resolve4("localhost", () => undefined)).toThrow(GuardViolation);
    expect(() => dnsPromises.lookup("localhost")).toThrow(GuardViolation);
    expect(() => new dns.Resolver().resolve4("localhost", () => undefined)).toThrow(GuardViolation);
    expect(() => http.get("http://127.0.0.1:9/")).toThrow(GuardViolation);
    expect(() => https.request("https://127.0.0.1:9/")).toThrow(GuardViolation);
    expect(() => tls.connect({ host: "127.0.0.1", port: 9 })).toThrow(GuardViolation);
  });

  it("[#43] raw bindings, native addons and worker threads are refused too", () => {
    const workerThreads = require("node:worker_threads") as typeof import("node:worker_threads");
    const binding: unknown = Reflect.get(process, "binding");
    expect(() => (typeof binding === "function" ? Reflect.apply(binding, process, ["tcp_wrap"]) : "missing")).toThrow(GuardViolation);
    expect(() => process.dlopen({ exports: {} }, "/nonexistent.node")).toThrow(GuardViolation);
    expect(() => new workerThreads.Worker("process.exit(0)", { eval: true })).toThrow(GuardViolation);
  });

  it("cannot be undone by assignment and is idempotent", () => {
    const cjsNet = require("node:net") as typeof import("node:net");
    expect(() => Reflect.set(cjsNet, "connect", () => "restored")).not.toThrow();
    expect(Reflect.get(cjsNet, "connect")).not.toBeTypeOf("string");
    expect(() => cjsNet.connect({ host: "127.0.0.1", port: 9 })).toThrow(GuardViolation);
    expect(lockdownNetwork()).toBe(refused);
    expect(refused).toContain("child_process.spawn");
    expect(refused).toContain("fetch");
  });
});
