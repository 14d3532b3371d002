import * as z from "zod";
import { EngineKind, err, formatStrictJsonError, ok, parseStrictJson, readInput, zodIssues, type EngineFacts, type Result, type SsotIssue } from "@macro/ssot";
import { liveVenueSource, type VenueFactSource } from "./source.ts";

const SimulatedEngine = z
  .strictObject({
    kind: EngineKind,
    clientFound: z.boolean().default(true),
    reachable: z.boolean(),
    /** Defaults to `reachable`; an unreachable engine can never create containers. */
    canCreateContainers: z.boolean().optional(),
    serverVersion: z.string().nullable().default(null),
    error: z.string().nullable().default(null),
  });

/**
 * A venue described instead of observed: for tests and for `MACRO_VENUE_FACTS=<json file>`.
 * Everything but the platform has a dull default so a file states only what matters.
 */
export const SimulatedVenue = z.strictObject({
  /** What this file pretends to be; for humans only. */
  description: z.string().optional(),
  platform: z.string().min(1),
  arch: z.string().min(1).default("x64"),
  release: z.string().min(1).default("simulated"),
  hostname: z.string().min(1).default("simulated-host"),
  user: z.strictObject({ name: z.string().min(1), uid: z.number().int().nullable() }).default({ name: "user", uid: 1000 }),
  env: z.record(z.string(), z.string()).default({}),
  ci: z
    .strictObject({ isCI: z.boolean(), name: z.string().nullable().default(null), isPR: z.boolean().nullable().default(null) })
    .default({ isCI: false, name: null, isPR: null }),
  /** Files the observer may read, e.g. /etc/machine-id, /.dockerenv, /proc/1/cgroup. */
  files: z.record(z.string(), z.string()).default({}),
  /** Engines that exist; any kind not listed has no client. */
  engines: z.array(SimulatedEngine).default([]),
});
export type SimulatedVenue = z.infer<typeof SimulatedVenue>;
export type SimulatedVenueInput = z.input<typeof SimulatedVenue>;

export function simulatedVenueSource(input: SimulatedVenueInput): VenueFactSource {
  const spec = SimulatedVenue.parse(input);
  return {
    kind: "simulated",
    platform: () => spec.platform,
    arch: () => spec.arch,
    release: () => spec.release,
    ci: () => ({ ...spec.ci }),
    env: { ...spec.env },
    hostname: () => spec.hostname,
    user: () => ({ ...spec.user }),
    readFile: async (path) => (Object.hasOwn(spec.files, path) ? (spec.files[path] ?? null) : null),
    probeEngine: async (kind, endpoint): Promise<EngineFacts> => {
      const engine = spec.engines.find((e) => e.kind === kind);
      if (engine === undefined) {
        return { kind, endpoint, clientFound: false, reachable: false, canCreateContainers: false, serverVersion: null, error: `${kind} client not found on PATH` };
      }
      const reachable = engine.clientFound && engine.reachable;
      return {
        kind,
        endpoint,
        clientFound: engine.clientFound,
        reachable,
        canCreateContainers: reachable && (engine.canCreateContainers ?? true),
        serverVersion: reachable ? engine.serverVersion : null,
        error: engine.error,
      };
    },
  };
}

export interface SimulatedVenueLoadError {
  code: "VENUE_FACTS_NOT_FOUND" | "VENUE_FACTS_JSON" | "VENUE_FACTS_INVALID";
  file: string;
  message: string;
  issues: SsotIssue[];
}

const MAX_BYTES = 256 * 1024;

/** Reads a simulated venue file (what `MACRO_VENUE_FACTS` names) into a simulated source. */
export async function loadSimulatedVenue(path: string): Promise<Result<VenueFactSource, SimulatedVenueLoadError>> {
  // The one bounded reader: a FIFO or a device is refused, never opened to block.
  const read = await readInput(path, { kind: "facts", maxBytes: MAX_BYTES });
  if (!read.ok) {
    const code = read.error.code === "INPUT_TOO_LARGE" ? "VENUE_FACTS_INVALID" : "VENUE_FACTS_NOT_FOUND";
    return err({ code, file: path, message: read.error.message, issues: [] });
  }
  const json = parseStrictJson(read.value, { maxBytes: MAX_BYTES, maxDepth: 32 });
  if (!json.ok) return err({ code: "VENUE_FACTS_JSON", file: path, message: `${path}: not strict JSON: ${formatStrictJsonError(path, json.error)}`, issues: [] });
  const data = json.value;
  const parsed = SimulatedVenue.safeParse(data);
  if (!parsed.success) {
    const issues = zodIssues(parsed.error);
    return err({ code: "VENUE_FACTS_INVALID", file: path, message: `${path} is not a simulated venue (${issues.length} issue${issues.length === 1 ? "" : "s"})`, issues });
  }
  return ok(simulatedVenueSource(parsed.data));
}

/** One `<file>: <path>: <message>` line per issue under a headline, like the SSOT loader. */
export function formatSimulatedVenueError(e: SimulatedVenueLoadError): string {
  return [`${e.code}: ${e.message}`, ...e.issues.map((i) => `${e.file}: ${i.path}: ${i.message}`)].join("\n");
}

/** The variable that swaps live observation for a simulated venue file. */
export const VENUE_FACTS_ENV = "MACRO_VENUE_FACTS";

/**
 * The source a command should observe: the file named by MACRO_VENUE_FACTS (simulated, so it
 * can block but never approve), else this machine, live.
 */
export async function venueSourceFromEnv(
  env: Record<string, string | undefined>,
): Promise<Result<VenueFactSource, SimulatedVenueLoadError>> {
  const file = env[VENUE_FACTS_ENV];
  if (file === undefined || file === "") return ok(liveVenueSource({ env }));
  return loadSimulatedVenue(file);
}
