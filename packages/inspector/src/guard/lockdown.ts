import { createRequire, syncBuiltinESMExports } from "node:module";
import { GuardViolation } from "./verdict.ts";

// The CJS module objects of the builtins are the same objects the ESM default exports
// see; syncBuiltinESMExports() then carries the change into the named ESM exports too.
const require = createRequire(import.meta.url);

const DNS_FUNCTIONS = /^(lookup|lookupService|reverse|resolve[A-Za-z0-9]*)$/;
const CHILD_PROCESS_FUNCTIONS = ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"];

let refusedApis: readonly string[] | undefined;

function refuse(target: object, key: string, api: string, refused: string[]): void {
  // Non-writable and non-configurable: a dependency cannot quietly put the original back.
  Object.defineProperty(target, key, {
    value: function refusedNetworkUse(): never {
      throw new GuardViolation(api);
    },
    writable: false,
    configurable: false,
    enumerable: true,
  });
  refused.push(api);
}

function refuseDns(target: object, prefix: string, refused: string[]): void {
  for (const key of Object.keys(target)) {
    const value: unknown = Reflect.get(target, key);
    if (DNS_FUNCTIONS.test(key) && typeof value === "function") refuse(target, key, `${prefix}.${key}`, refused);
  }
}

function resolverPrototype(value: unknown): object | undefined {
  if (typeof value !== "function") return undefined;
  const proto: unknown = Reflect.get(value, "prototype");
  return typeof proto === "object" && proto !== null ? proto : undefined;
}

function refuseResolver(resolver: unknown, prefix: string, refused: string[]): void {
  const proto = resolverPrototype(resolver);
  if (proto === undefined) return;
  for (const key of Object.getOwnPropertyNames(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    if (DNS_FUNCTIONS.test(key) && typeof descriptor?.value === "function") {
      refuse(proto, key, `${prefix}.Resolver.prototype.${key}`, refused);
    }
  }
}

/**
 * Replace every network and process-spawning entry point of this process (and the escape
 * hatches around them) with one that throws `GuardViolation`. Called after the guards pass and before the packet is read, so
 * nothing a packet triggers can reach the network. A tripwire in depth: the sandbox's
 * `--network none` is the boundary, this makes a breach loud instead of silent.
 * Idempotent; returns the names of the refused APIs.
 */
export function lockdownNetwork(): readonly string[] {
  if (refusedApis !== undefined) return refusedApis;
  const refused: string[] = [];
  const net = require("node:net") as typeof import("node:net");
  refuse(net, "connect", "net.connect", refused);
  refuse(net, "createConnection", "net.createConnection", refused);
  refuse(net.Socket.prototype, "connect", "net.Socket.prototype.connect", refused);
  const tls = require("node:tls") as typeof import("node:tls");
  refuse(tls, "connect", "tls.connect", refused);
  const dgram = require("node:dgram") as typeof import("node:dgram");
  refuse(dgram, "createSocket", "dgram.createSocket", refused);
  const http = require("node:http") as typeof import("node:http");
  refuse(http, "request", "http.request", refused);
  refuse(http, "get", "http.get", refused);
  const https = require("node:https") as typeof import("node:https");
  refuse(https, "request", "https.request", refused);
  refuse(https, "get", "https.get", refused);
  const http2 = require("node:http2") as typeof import("node:http2");
  refuse(http2, "connect", "http2.connect", refused);
  const dns = require("node:dns") as typeof import("node:dns");
  refuseResolver(dns.Resolver, "dns", refused);
  refuseDns(dns, "dns", refused);
  const dnsPromises = require("node:dns/promises") as typeof import("node:dns/promises");
  refuseResolver(dnsPromises.Resolver, "dns.promises", refused);
  refuseDns(dnsPromises, "dns.promises", refused);
  const childProcess = require("node:child_process") as typeof import("node:child_process");
  for (const key of CHILD_PROCESS_FUNCTIONS) refuse(childProcess, key, `child_process.${key}`, refused);
  // Escape hatches around the patched modules: raw bindings, native addons, and workers
  // (a worker gets fresh, unpatched module instances).
  refuse(process, "binding", "process.binding", refused);
  refuse(process, "dlopen", "process.dlopen", refused);
  const workerThreads = require("node:worker_threads") as typeof import("node:worker_threads");
  refuse(workerThreads, "Worker", "worker_threads.Worker", refused);
  if (typeof globalThis.fetch === "function") refuse(globalThis, "fetch", "fetch", refused);
  if ("WebSocket" in globalThis) refuse(globalThis, "WebSocket", "WebSocket", refused);
  syncBuiltinESMExports();
  refusedApis = Object.freeze(refused);
  return refusedApis;
}
