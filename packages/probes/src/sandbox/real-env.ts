import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lstat, open, readdir, readFile, readlink, unlink, writeFile } from "node:fs/promises";
import type { Stats, Dirent } from "node:fs";
import { connect as netConnect, type LookupFunction } from "node:net";
import { release } from "node:os";
import type { ConnectOutcome, ConnectRequest, NodeInfo, NodeKind, ProbeEnv } from "./env.ts";
import { batchedHelper } from "./helper.ts";
import { helperPath as configuredHelperPath, runHelperAt } from "./helper-exec.ts";
import type { EarlyBatch } from "./early-helper.ts";

/** Given instead of a resolver: every name lookup fails at once, so no DNS query is ever sent. */
const NO_DNS_CODE = "EMACRONODNS";
const refuseLookup: LookupFunction = (hostname, _options, callback) => {
  // Fail through the callback, not a throw: a throw here would escape as an uncaught exception.
  callback(Object.assign(new Error(`DNS lookup of ${hostname} refused by the sandbox probes`), { code: NO_DNS_CODE }), "", 4);
};

/** The one socket any probe opens: a literal IPv4 address, no DNS, a hard timeout. */
export function connectOnce(request: ConnectRequest): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    const socket = netConnect({
      host: request.host,
      port: request.port,
      family: request.family,
      timeout: request.timeoutMs,
      lookup: refuseLookup,
    });
    const finish = (outcome: ConnectOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.once("connect", () => finish({ kind: "connected" }));
    socket.once("timeout", () => finish({ kind: "timeout" }));
    socket.once("error", (error: NodeJS.ErrnoException) => finish({ kind: "error", code: error.code ?? "UNKNOWN" }));
  });
}

/** connect(2) to a unix socket path with a hard timeout; the socket is destroyed unwritten. */
export function connectUnixOnce(path: string, timeoutMs: number): Promise<ConnectOutcome> {
  return new Promise((resolve) => {
    const socket = netConnect({ path, timeout: timeoutMs });
    const finish = (outcome: ConnectOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.once("connect", () => finish({ kind: "connected" }));
    socket.once("timeout", () => finish({ kind: "timeout" }));
    socket.once("error", (error: NodeJS.ErrnoException) => finish({ kind: "error", code: error.code ?? "UNKNOWN" }));
  });
}

function kindOf(entry: Stats | Dirent): NodeKind {
  if (entry.isFile()) return "file";
  if (entry.isDirectory()) return "dir";
  if (entry.isSymbolicLink()) return "link";
  if (entry.isSocket()) return "socket";
  if (entry.isCharacterDevice()) return "char";
  if (entry.isBlockDevice()) return "block";
  if (entry.isFIFO()) return "fifo";
  return "other";
}

async function nodeInfo(path: string): Promise<NodeInfo> {
  const stat = await lstat(path);
  // Linux dev_t: major in bits 8-19 and 32-43, minor in bits 0-7 and 20-31.
  const rdev = BigInt(stat.rdev);
  const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  return { kind: kindOf(stat), mode: stat.mode & 0o7777, major, minor };
}

/**
 * The ProbeEnv backed by this process and its kernel. `helperBatch`: the helper's batch exec
 * already started (early-helper.ts), used instead of starting it when P03 first asks.
 */
export function realProbeEnv(overrides: Partial<ProbeEnv> = {}, helperBatch?: EarlyBatch): ProbeEnv {
  const helperPath = configuredHelperPath();
  const env: ProbeEnv = {
    readFile: (path) => readFile(path, "utf8"),
    async readHead(path, bytes) {
      const handle = await open(path, constants.O_RDONLY);
      try {
        const { bytesRead } = await handle.read(Buffer.alloc(bytes), 0, bytes, 0);
        return bytesRead;
      } finally {
        await handle.close();
      }
    },
    readdir: (path) => readdir(path),
    readlink: (path) => readlink(path),
    lstat: nodeInfo,
    listDir: async (path) => (await readdir(path, { withFileTypes: true })).map((entry) => ({ name: entry.name, kind: kindOf(entry) })),
    async copyHelperTo(path) {
      // Bytes through memory: copyFile may fall back to sendfile(2), which the profile denies.
      let bytes: Buffer;
      try {
        bytes = await readFile(helperPath);
      } catch (error) {
        throw Object.assign(new Error(`helper unreadable: ${String(error)}`), { code: "EMACRONOHELPER" });
      }
      await writeFile(path, bytes, { mode: 0o700, flag: "wx" });
    },
    execAt: (path, args) => runHelperAt(path, args),
    connectUnix: connectUnixOnce,
    async openForWrite(path, create) {
      const flags = create ? constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL : constants.O_WRONLY;
      const handle = await open(path, flags, 0o600);
      await handle.close();
    },
    unlink: (path) => unlink(path),
    // One exec serves every probe that needs the helper (see batchedHelper).
    runHelper: batchedHelper((args) => runHelperAt(helperPath, args), helperBatch?.commands, helperBatch?.run),
    connect: connectOnce,
    env: { ...process.env },
    ids: () => ({
      uid: process.getuid?.() ?? -1,
      euid: process.geteuid?.() ?? -1,
      gid: process.getgid?.() ?? -1,
      egid: process.getegid?.() ?? -1,
      groups: process.getgroups?.() ?? [],
    }),
    setuid(id) {
      if (process.setuid === undefined) throw Object.assign(new Error("setuid unsupported"), { code: "ENOTSUP" });
      process.setuid(id);
    },
    pid: process.pid,
    kernelRelease: release(),
    nonce: () => randomBytes(8).toString("hex"),
  };
  return { ...env, ...overrides };
}
