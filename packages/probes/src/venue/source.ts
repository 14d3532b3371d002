import os from "node:os";
import ci from "ci-info";
import { readInputText, type EngineFacts, type EngineKind } from "@macro/ssot";
import { probeEngineLive } from "./engine.ts";

export interface CiFacts {
  isCI: boolean;
  name: string | null;
  isPR: boolean | null;
}

/**
 * Where venue facts come from. Injected so the classification can be tested on facts from a
 * Mac, a CI runner or a bare VPS without being there. A `simulated` source can block a run
 * but never approve a venue (see classifyVenue).
 */
export interface VenueFactSource {
  kind: "live" | "simulated";
  platform(): string;
  arch(): string;
  release(): string;
  /** CI markers. Live: ci-info, which reads the process environment once at import time. */
  ci(): CiFacts;
  env: Record<string, string | undefined>;
  hostname(): string;
  user(): { name: string; uid: number | null };
  /** File contents, or null when absent or unreadable; an existing empty file is "". */
  readFile(path: string): Promise<string | null>;
  probeEngine(kind: EngineKind, endpoint: string): Promise<EngineFacts>;
}

export interface LiveVenueOptions {
  /** Environment used for engine endpoints and passed to the engine clients; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Per-client timeout; 5 s unless a test needs otherwise. */
  timeoutMs?: number;
}

export function liveVenueSource(options: LiveVenueOptions = {}): VenueFactSource {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 5_000;
  return {
    kind: "live",
    platform: () => os.platform(),
    arch: () => os.arch(),
    release: () => os.release(),
    ci: () => ({ isCI: ci.isCI, name: ci.name, isPR: ci.isPR }),
    env,
    hostname: () => os.hostname(),
    user: liveUser,
    // Bounded and regular files only: a machine-id or cgroup file that is a FIFO must not hang.
    readFile: async (path) => {
      const r = await readInputText(path, { kind: "facts" });
      return r.ok ? r.value : null;
    },
    probeEngine: (kind, endpoint) => probeEngineLive(kind, endpoint, env, timeoutMs),
  };
}

function liveUser(): { name: string; uid: number | null } {
  const uid = typeof process.getuid === "function" ? process.getuid() : null;
  try {
    return { name: os.userInfo().username, uid };
  } catch {
    // A uid without a passwd entry (common in containers) makes userInfo() throw.
    return { name: process.env["USER"] ?? (uid === null ? "unknown" : `uid-${uid}`), uid };
  }
}
