// Test-only: an adversarial container engine. A small HTTP proxy on a unix socket in a temp dir,
// in front of the real engine, that rewrites every container-create request with a weakening
// (issue 12 item 4). In "lying" mode it also rewrites the engine's record of the container
// (`GET /containers/{id}/json`) back to what was requested, so only the probes can catch it.
// Everything else — attach (hijacked), wait (streamed), start, delete — passes through untouched.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENGINE_DEFAULT_MASKED_PATHS, ENGINE_DEFAULT_PATH_ENV, ENGINE_DEFAULT_READONLY_PATHS } from "@macro/ssot";

export type Json = Record<string, unknown>;
/** A create body as the sandbox sends it; a weakening edits it in place. */
export type Weakening = (body: Json & { HostConfig: Json }) => void;

export interface WeakeningProxy {
  socketPath: string;
  /** Creates this proxy rewrote, and inspects it lied about. */
  stats: { creates: number; lies: number };
  close(): Promise<void>;
}

const CREATE = /^\/v[\d.]+\/containers\/create(\?|$)/;
const INSPECT = /^\/v[\d.]+\/containers\/([^/?]+)\/json(\?|$)/;

/** Fields an honest record of the sandbox's own request carries when nothing was added to it. */
const NEUTRAL_HOST_CONFIG: Json = {
  Binds: null, Cgroup: "", GroupAdd: null, Devices: [], DeviceCgroupRules: null, DeviceRequests: null, Sysctls: null, Ulimits: [],
  OomKillDisable: false, VolumesFrom: null, Links: null, ExtraHosts: null, RestartPolicy: { Name: "no", MaximumRetryCount: 0 },
  CgroupParent: "", Capabilities: null, NanoCpus: 0, CpuShares: 0, CpuQuota: 0, CpuPeriod: 0, CpusetCpus: "", Mounts: [],
  Tmpfs: null, SecurityOpt: null, CapAdd: null, CapDrop: null, PidsLimit: null, Memory: 0, MemorySwap: 0,
  MaskedPaths: [...ENGINE_DEFAULT_MASKED_PATHS], ReadonlyPaths: [...ENGINE_DEFAULT_READONLY_PATHS],
};

/** The record an honest engine would have kept for `original`, over the real one. */
export function forgedRecord(real: Json, original: Json & { HostConfig: Json }): Json {
  const config = (real.Config ?? {}) as Json;
  const env = (original.Env as string[] | undefined) ?? [];
  return {
    ...real,
    Config: {
      ...config,
      Image: original.Image,
      Cmd: original.Cmd,
      User: original.User,
      Env: [...env, ENGINE_DEFAULT_PATH_ENV],
      NetworkDisabled: original.NetworkDisabled,
      Volumes: null,
    },
    HostConfig: { ...((real.HostConfig ?? {}) as Json), ...NEUTRAL_HOST_CONFIG, ...original.HostConfig, MaskedPaths: [...ENGINE_DEFAULT_MASKED_PATHS], ReadonlyPaths: [...ENGINE_DEFAULT_READONLY_PATHS] },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
  });
}

export async function startWeakeningProxy(options: { upstream: string; weaken: Weakening; lie: boolean }): Promise<WeakeningProxy> {
  const dir = await mkdtemp(join(tmpdir(), "macro-weakening-proxy-"));
  const socketPath = join(dir, `engine-${randomBytes(3).toString("hex")}.sock`);
  const originals = new Map<string, Json & { HostConfig: Json }>();
  const stats = { creates: 0, lies: 0 };
  const open = new Set<Socket>();

  /** Forwards one request; `body` replaces the incoming one when given; `onAnswer` may rewrite a buffered answer. */
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer | null, onAnswer: ((status: number, text: string) => string) | null) => {
    const headers = { ...req.headers };
    if (body !== null) {
      headers["content-length"] = String(body.length);
      delete headers["transfer-encoding"];
    }
    const up = request({ socketPath: options.upstream, method: req.method, path: req.url, headers }, async (answer) => {
      if (onAnswer === null) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.flushHeaders();
        answer.pipe(res);
        return;
      }
      const text = onAnswer(answer.statusCode ?? 502, (await readBody(answer)).toString("utf8"));
      const out = { ...answer.headers, "content-length": String(Buffer.byteLength(text)) };
      delete out["transfer-encoding"];
      res.writeHead(answer.statusCode ?? 502, out);
      res.end(text);
    });
    up.on("error", () => res.destroy());
    if (body !== null) up.end(body);
    else req.pipe(up);
  };

  const server = createServer((req, res) => {
    const url = req.url ?? "";
    if (req.method === "POST" && CREATE.test(url)) {
      void readBody(req).then((raw) => {
        const original = JSON.parse(raw.toString("utf8")) as Json & { HostConfig: Json };
        const weakened = structuredClone(original);
        options.weaken(weakened);
        stats.creates += 1;
        forward(req, res, Buffer.from(JSON.stringify(weakened)), (status, text) => {
          if (status === 201) {
            const id = (JSON.parse(text) as { Id?: string }).Id;
            if (typeof id === "string") originals.set(id, original);
          }
          return text;
        });
      });
      return;
    }
    const inspect = INSPECT.exec(url);
    if (options.lie && req.method === "GET" && inspect !== null) {
      forward(req, res, null, (status, text) => {
        if (status !== 200) return text;
        const real = JSON.parse(text) as Json;
        const original = originals.get(String(real.Id)) ?? originals.get(inspect[1] ?? "");
        if (original === undefined) return text;
        stats.lies += 1;
        return JSON.stringify(forgedRecord(real, original));
      });
      return;
    }
    forward(req, res, null, null);
  });
  server.on("connection", (socket: Socket) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  });
  // attach: a hijacked connection; replay the head, then splice the two sockets.
  server.on("upgrade", (req: IncomingMessage, client: Socket, head: Buffer) => {
    const up = connect(options.upstream, () => {
      const lines = [`${req.method ?? "POST"} ${req.url ?? "/"} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i] ?? ""}: ${req.rawHeaders[i + 1] ?? ""}`);
      up.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length > 0) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    open.add(up);
    const end = () => {
      up.destroy();
      client.destroy();
    };
    up.once("close", () => {
      open.delete(up);
      client.end();
    });
    up.once("error", end);
    client.once("error", end);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    socketPath,
    stats,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
