import { request, type ClientRequest, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";

/**
 * HTTP/1.1 to a container engine's API over its unix socket: no TCP, no network. Every
 * call resolves — a transport failure is a value — so callers decide what it means.
 */
export interface ApiTarget {
  socketPath: string;
  /** "/v1.41" or "" for the unversioned endpoints (/version). */
  prefix: string;
}

export interface ApiResponse {
  status: number;
  body: string;
}

export type ApiOutcome = { ok: true; response: ApiResponse } | { ok: false; failure: ApiFailure };

export interface ApiFailure {
  /** sent: false means the request provably never reached the engine (connect failed). */
  sent: boolean;
  reason: string;
}

export interface ApiCallOptions {
  method: "GET" | "POST" | "DELETE";
  path: string;
  body?: unknown;
  timeoutMs: number;
  /** Caps the answer; past it the call fails (an engine never sends that much for these calls). */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY = 8 << 20;

function failure(sent: boolean, reason: string): ApiOutcome {
  return { ok: false, failure: { sent, reason } };
}

/** One request, its whole answer read as text. */
export function apiCall(target: ApiTarget, options: ApiCallOptions): Promise<ApiOutcome> {
  const started = apiStream(target, options);
  return started.then(async (stream) => {
    if (!stream.ok) return stream;
    return readBody(stream.response, options.maxBodyBytes ?? DEFAULT_MAX_BODY, stream.cancel);
  });
}

export type ApiStreamOutcome =
  | { ok: true; response: IncomingMessage; cancel: () => void }
  | { ok: false; failure: ApiFailure };

/**
 * A request whose answer arrives as a stream: resolves as soon as the status line and headers
 * are in. The engine sends those for `wait` only once the waiter is registered, which is how
 * a caller knows it may start the container. The timeout covers the headers only.
 */
export function apiStream(target: ApiTarget, options: ApiCallOptions): Promise<ApiStreamOutcome> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string | number> = payload === undefined ? {} : { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) };
  return settledRequest<ApiStreamOutcome>(
    target,
    { method: options.method, path: options.path, headers, timeoutMs: options.timeoutMs, timeoutReason: `no answer within ${options.timeoutMs} ms` },
    (req, settle) => {
      req.on("response", (response) => settle({ ok: true, response, cancel: () => req.destroy() }));
      req.end(payload);
    },
  );
}

/**
 * One request settled exactly once: by what `wire` attaches, by a transport error, or by the
 * timeout (which also destroys it). A failure says whether the request reached the engine.
 */
function settledRequest<T extends { ok: boolean }>(
  target: ApiTarget,
  init: { method: string; path: string; headers: Record<string, string | number>; timeoutMs: number; timeoutReason: string },
  wire: (req: ClientRequest, settle: (outcome: T) => void) => void,
): Promise<T | { ok: false; failure: ApiFailure }> {
  return new Promise((resolve) => {
    let connected = false;
    let settled = false;
    const settle = (outcome: T | { ok: false; failure: ApiFailure }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = request({ socketPath: target.socketPath, method: init.method, path: `${target.prefix}${init.path}`, headers: { Host: "docker", ...init.headers } });
    const timer = setTimeout(() => {
      req.destroy();
      settle({ ok: false, failure: { sent: connected, reason: init.timeoutReason } });
    }, init.timeoutMs);
    req.on("socket", (socket: Socket) => {
      if (!socket.connecting) connected = true;
      else socket.once("connect", () => (connected = true));
    });
    req.on("error", (error: NodeJS.ErrnoException) => settle({ ok: false, failure: { sent: connected, reason: error.code ?? error.message } }));
    wire(req, settle);
  });
}

function readBody(response: IncomingMessage, maxBytes: number, cancel: () => void): Promise<ApiOutcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (outcome: ApiOutcome) => {
      if (done) return;
      done = true;
      resolve(outcome);
    };
    response.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cancel();
        finish(failure(true, `answer larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on("end", () => finish({ ok: true, response: { status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") } }));
    response.on("error", (error: NodeJS.ErrnoException) => finish(failure(true, `answer cut off (${error.code ?? error.message})`)));
    response.on("close", () => finish(failure(true, "answer cut off (connection closed)")));
  });
}

export type HijackOutcome = { ok: true; socket: Socket; head: Buffer } | { ok: false; failure: ApiFailure };

/**
 * `POST …/attach` upgraded to a raw stream (HTTP 101), as the engine API documents for
 * attach. Anything but a 101 is a failure carrying the engine's message.
 */
export function apiHijack(target: ApiTarget, path: string, timeoutMs: number): Promise<HijackOutcome> {
  return settledRequest<HijackOutcome>(
    target,
    { method: "POST", path, headers: { Connection: "Upgrade", Upgrade: "tcp" }, timeoutMs, timeoutReason: `attach not answered within ${timeoutMs} ms` },
    (req, settle) => {
      req.on("upgrade", (_response, socket: Socket, head: Buffer) => settle({ ok: true, socket, head }));
      req.on("response", (response) => {
        void readBody(response, 64 << 10, () => req.destroy()).then((body) =>
          settle({ ok: false, failure: { sent: true, reason: `attach answered ${response.statusCode ?? 0}: ${body.ok ? engineMessage(body.response.body) : body.failure.reason}` } }),
        );
      });
      req.end();
    },
  );
}

/** The engine's `{"message": "..."}` error body, or the raw text when it is not that shape. */
export function engineMessage(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === "object" && "message" in parsed && typeof parsed.message === "string") return parsed.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return body.trim().slice(0, 500);
}
