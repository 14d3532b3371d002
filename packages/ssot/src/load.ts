import { createHash } from "node:crypto";
import { dirname, resolve } from "node:path";
import type * as z from "zod";
import { err, ok, type Result } from "./errors.ts";
import { Ssot } from "./ssot.ts";
import { readYamlFile } from "./yaml-file.ts";

/** Bigger than any honest SSOT; refusing early keeps a hostile file from costing parse time. */
export const SSOT_MAX_BYTES = 1024 * 1024;
/**
 * Anchors are handy for sharing a block or two; hundreds of alias uses are an attack. The real
 * bound is the cost after expansion (nodes and bytes), which no honest SSOT comes near: macro.yaml
 * is ~3k nodes and ~60 KB.
 */
export const SSOT_MAX_ALIASES = 50;
export const SSOT_MAX_NODES = 50_000;
export const SSOT_MAX_EXPANDED_BYTES = 4 * 1024 * 1024;

export interface LoadedSsot {
  ssot: Ssot;
  /** Absolute path of the file read. */
  path: string;
  dir: string;
  /** sha256 of the raw bytes as read, never of a re-serialisation. */
  sha256: string;
  bytes: number;
}

export type SsotLoadErrorCode = "SSOT_NOT_FOUND" | "SSOT_UNREADABLE" | "SSOT_TOO_LARGE" | "SSOT_YAML" | "SSOT_ALIAS_BOMB" | "SSOT_INVALID";

export interface SsotIssue {
  path: string;
  message: string;
}

export interface SsotLoadError {
  code: SsotLoadErrorCode;
  /** The path as the caller gave it, so messages read the way the user typed it. */
  file: string;
  message: string;
  issues: SsotIssue[];
}

export function hashBytes(buf: Uint8Array): string {
  return createHash("sha256").update(buf).digest("hex");
}

/** `["venues", "approved", 1, "match"]` → `venues.approved[1].match`; the root is `(root)`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else {
      const name = String(key);
      // Keys that are not plain identifiers are quoted so the path stays unambiguous.
      out += /^[A-Za-z_$][\w$-]*$/.test(name) ? (out === "" ? name : `.${name}`) : `[${JSON.stringify(name)}]`;
    }
  }
  return out === "" ? "(root)" : out;
}

/** One issue per bad field; an unknown key is reported at its own path rather than its parent's. */
export function zodIssues(error: z.ZodError): SsotIssue[] {
  const issues: SsotIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        issues.push({ path: formatIssuePath([...issue.path, key]), message: "unknown key (the schema is strict)" });
      }
      continue;
    }
    // zod prefixes type errors with "Invalid input: "; the path already says where, so drop the noise.
    issues.push({ path: formatIssuePath(issue.path), message: issue.message.replace(/^Invalid input: /, "") });
  }
  return issues;
}

/**
 * Validates an already-parsed SSOT value: the zod schema plus the cross-field rules a
 * schema cannot say (unique ids, a guard raising one blocker only).
 */
export function parseSsot(data: unknown, file: string): Result<Ssot, SsotLoadError> {
  const parsed = Ssot.safeParse(data);
  const issues = parsed.success ? crossFieldIssues(parsed.data) : zodIssues(parsed.error);
  if (parsed.success && issues.length === 0) return ok(parsed.data);
  return err({
    code: "SSOT_INVALID",
    file,
    message: `${file} does not match the SSOT schema (${issues.length} issue${issues.length === 1 ? "" : "s"})`,
    issues,
  });
}

export async function loadSsot(path: string): Promise<Result<LoadedSsot, SsotLoadError>> {
  const absolute = resolve(path);
  const read = await readYamlFile(absolute, path, {
    maxBytes: SSOT_MAX_BYTES,
    maxAliases: SSOT_MAX_ALIASES,
    maxNodes: SSOT_MAX_NODES,
    maxExpandedBytes: SSOT_MAX_EXPANDED_BYTES,
  });
  if (!read.ok) return err({ code: `SSOT_${read.error.kind}`, file: path, message: read.error.message, issues: read.error.issues });
  const ssot = parseSsot(read.value.data, path);
  if (!ssot.ok) return ssot;
  const { raw } = read.value;
  return ok({ ssot: ssot.value, path: absolute, dir: dirname(absolute), sha256: hashBytes(raw), bytes: raw.byteLength });
}

/** Multi-line human message: the headline, then one `<file>: <path>: <message>` line per issue. */
export function formatSsotError(e: SsotLoadError): string {
  const lines = [`${e.code}: ${e.message}`];
  for (const issue of e.issues) {
    // YAML issues already carry file:line:col as their path.
    lines.push(e.code === "SSOT_YAML" ? `${issue.path}: ${issue.message}` : `${e.file}: ${issue.path}: ${issue.message}`);
  }
  return lines.join("\n");
}

// --- internal ---

function crossFieldIssues(ssot: Ssot): SsotIssue[] {
  const issues: SsotIssue[] = [];
  const seen = new Map<string, string>();
  const unique = (id: string, path: string, kind: string) => {
    const first = seen.get(`${kind}:${id}`);
    if (first !== undefined) issues.push({ path, message: `duplicate ${kind} id ${id} (first at ${first})` });
    else seen.set(`${kind}:${id}`, path);
  };
  // Approved and rejected venues share one namespace: an id in both would be ambiguous.
  ssot.venues.approved.forEach((v, i) => unique(v.id, `venues.approved[${i}].id`, "venue"));
  ssot.venues.rejected.forEach((v, i) => unique(v.id, `venues.rejected[${i}].id`, "venue"));
  ssot.sandbox.probes.forEach((p, i) => unique(p.id, `sandbox.probes[${i}].id`, "probe"));
  ssot.blockers.forEach((b, i) => unique(b.id, `blockers[${i}].id`, "blocker"));
  ssot.blockers.forEach((b, i) =>
    b.guards.forEach((g, j) => unique(g, `blockers[${i}].guards[${j}]`, "guard")),
  );
  const { signing } = ssot.sandbox;
  if (signing.required && signing.trustedKeys.length === 0) {
    issues.push({ path: "sandbox.signing.required", message: "signing is required but no key is trusted: no bundle could ever count" });
  }
  signing.trustedKeys.forEach((k, i) => unique(k, `sandbox.signing.trustedKeys[${i}]`, "trusted key"));
  ssot.sandbox.probes.forEach((p, i) => {
    if (Object.keys(p.expected).length === 0) {
      issues.push({ path: `sandbox.probes[${i}].expected`, message: "an empty expectation would pass anything" });
    }
  });
  return issues;
}
