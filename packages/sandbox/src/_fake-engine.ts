// Test-only: a stand-in for the docker Engine API on a unix socket in a temp dir (no TCP),
// scripted per test, recording every request, and keeping just enough state (one container)
// to tell whether a run left something behind.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { rm } from "node:fs/promises";
import type { Socket } from "node:net";
import { join } from "node:path";
import { ENGINE_DEFAULT_MASKED_PATHS, ENGINE_DEFAULT_PATH_ENV, ENGINE_DEFAULT_READONLY_PATHS } from "@macro/ssot";
import type { ApiTarget } from "./api-http.ts";
import { tempDir } from "@macro/test-utils";

export const FAKE_ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

export interface Script {
  /** Answer to create; default 201 with FAKE_ID. `"hang-up"` destroys the connection unanswered. */
  create?: { status: number; body: string } | "hang-up";
  /** Default: a 101 upgrade. */
  attach?: { status: number; body: string };
  /** Default: 200, then `{"StatusCode": exitCode}` once the container "exits". */
  waitBody?: string;
  /** Default 204. */
  start?: { status: number; body: string };
  /** Bytes the container "prints" on the attach stream after the start; default none. */
  output?: Buffer[];
  exitCode?: number;
  /** The container never exits on its own (for timeout and abort). */
  runsForever?: boolean;
  /** Rewrites the engine's record of the container (default: the create body, recorded honestly). */
  record?: (honest: Record<string, unknown>) => unknown;
}

/** What an honest engine records for a create body (the fields engine-record.ts reads). */
export function honestRecord(body: { Image: string; Cmd: string[]; User: string; Env: string[]; NetworkDisabled: boolean; HostConfig: object }): Record<string, unknown> {
  return {
    Id: FAKE_ID,
    Image: "sha256:" + "ab".repeat(32),
    Config: { Image: body.Image, Cmd: body.Cmd, User: body.User, Env: [...body.Env, ENGINE_DEFAULT_PATH_ENV], NetworkDisabled: body.NetworkDisabled, Volumes: null },
    HostConfig: { ...body.HostConfig, RestartPolicy: { Name: "no", MaximumRetryCount: 0 }, MaskedPaths: [...ENGINE_DEFAULT_MASKED_PATHS], ReadonlyPaths: [...ENGINE_DEFAULT_READONLY_PATHS] },
  };
}

export interface FakeEngine {
  target: ApiTarget;
  /** "METHOD /path" of every request, query string dropped. */
  calls: string[];
  /** Whether the fake still holds a container. */
  exists(): boolean;
  close(): Promise<void>;
}

export function frame(stream: 1 | 2, text: string): Buffer {
  const body = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

export async function fakeEngine(script: Script): Promise<FakeEngine> {
  const dir = await tempDir("macro-fake-engine-");
  const socketPath = join(dir, "docker.sock");
  const calls: string[] = [];
  let exists = false;
  let createBody: Parameters<typeof honestRecord>[0] | null = null;
  let attached: Socket | null = null;
  const waiters: ServerResponse[] = [];
  const open = new Set<Socket>();

  const exit = () => {
    exists = false;
    attached?.end();
    for (const w of waiters.splice(0)) w.end(script.waitBody ?? JSON.stringify({ StatusCode: script.exitCode ?? 0, Error: null }));
  };
  const send = (res: ServerResponse, answer: { status: number; body: string }) => {
    res.writeHead(answer.status, { "Content-Type": "application/json" });
    res.end(answer.body);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    calls.push(`${req.method ?? "?"} ${path}`);
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, path, Buffer.concat(chunks).toString("utf8")));
  });
  const handle = (req: IncomingMessage, res: ServerResponse, path: string, text: string) => {
    if (path.endsWith("/containers/create")) {
      if (script.create === "hang-up") return req.socket.destroy();
      createBody = JSON.parse(text) as Parameters<typeof honestRecord>[0];
      const answer = script.create ?? { status: 201, body: JSON.stringify({ Id: FAKE_ID, Warnings: [] }) };
      if (answer.status === 201) exists = true;
      return send(res, answer);
    }
    if (path.endsWith("/wait")) {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.flushHeaders();
      return waiters.push(res);
    }
    if (path.endsWith("/start")) {
      const answer = script.start ?? { status: 204, body: "" };
      send(res, answer);
      if (answer.status !== 204) return;
      for (const chunk of script.output ?? []) attached?.write(chunk);
      if (script.runsForever !== true) setTimeout(exit, 5);
      return;
    }
    if (req.method === "DELETE") {
      const had = exists;
      if (had) exit();
      return send(res, had ? { status: 204, body: "" } : { status: 404, body: '{"message":"No such container"}' });
    }
    if (req.method === "GET" && path.endsWith("/json")) {
      if (!exists || createBody === null) return send(res, { status: 404, body: '{"message":"No such container"}' });
      const honest = honestRecord(createBody);
      return send(res, { status: 200, body: JSON.stringify(script.record === undefined ? honest : script.record(honest)) });
    }
    send(res, { status: 404, body: '{"message":"page not found"}' });
  };
  server.on("connection", (socket: Socket) => {
    open.add(socket);
    socket.on("close", () => open.delete(socket));
  });
  server.on("upgrade", (req: IncomingMessage, socket: Socket) => {
    calls.push(`${req.method ?? "?"} ${(req.url ?? "").split("?")[0] ?? ""}`);
    if (script.attach !== undefined) {
      socket.end(`HTTP/1.1 ${script.attach.status} X\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(script.attach.body)}\r\n\r\n${script.attach.body}`);
      return;
    }
    socket.write("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
    attached = socket;
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    target: { socketPath, prefix: "/v1.41" },
    calls,
    exists: () => exists,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
