import { basename } from "node:path";
import { RUN_RECORD_PREDICATE } from "@macro/report";
import { SANDBOX_PREDICATE_TYPE, type LoadedSsot } from "@macro/ssot";
import { verifyBundleFile } from "@macro/attest";
import { EVIDENCE_LIMITS, parseEvidenceJson, readEvidenceFile, reasonOf, type UnreadableEvidence } from "@macro/verifier";
import type { EvidenceKeys } from "../lib/keys.ts";
import { verifyLedgerFile } from "./ledger.ts";
import { verifyRunRecord } from "./run-record.ts";
import { check, type Verification } from "./types.ts";

export type Kind = Verification["kind"];

/**
 * What a file is, from its content: a ledger (NDJSON whose first line is an entry), a run
 * record (its predicate type), or an attestation bundle (a DSSE envelope, or a statement of the
 * sandbox predicate). Anything else is reported as unrecognised, not guessed at.
 */
export function recognise(bytes: Uint8Array, name = ""): Kind | null {
  if (name.endsWith(".ndjson")) return "ledger";
  const text = Buffer.from(bytes.subarray(0, Math.min(bytes.byteLength, 4096))).toString("utf8");
  const firstLine = text.split("\n", 1)[0] ?? "";
  if (/^\{"at":.*"prevHash":.*"seq":\d+/.test(firstLine) || (text.includes("\n{") && /"prevHash"/.test(firstLine))) return "ledger";
  const json = parseEvidenceJson(bytes, "file");
  if (!json.ok || typeof json.value !== "object" || json.value === null) return text.trimStart().startsWith("{") ? "attestation-bundle" : null;
  const value = json.value as Record<string, unknown>;
  if (value.predicateType === RUN_RECORD_PREDICATE) return "run-record";
  if ("payload" in value || "signatures" in value || "payloadType" in value || value.predicateType === SANDBOX_PREDICATE_TYPE) return "attestation-bundle";
  return null;
}

/**
 * `macro verify <file>`: reads the file once through the bounded reader (unreadable: exit 2,
 * nothing judged) and checks it as what it is, read-only.
 */
export async function verifyAnything(path: string, loaded: LoadedSsot, keys: EvidenceKeys, extraKeys: string[], now: Date): Promise<{ unreadable: UnreadableEvidence } | Verification> {
  const read = await readEvidenceFile(path, EVIDENCE_LIMITS.linesBytes);
  if (!read.ok) return { unreadable: read.error };
  const kind = recognise(read.value, basename(path));
  if (kind === "ledger") return verifyLedgerFile(path, keys);
  if (kind === "run-record") return verifyRunRecord(path, read.value, loaded, keys);
  if (kind === null) {
    return { kind: "attestation-bundle", file: path, checks: [check("recognised", [reasonOf("UNRECOGNISED", `${basename(path)} is no attestation bundle, run record or ledger`)])], limits: [] };
  }
  const verdict = await verifyBundleFile(loaded, path, [...keys.trusted, ...extraKeys], now);
  if (verdict.unreadable !== null) return { unreadable: verdict.unreadable };
  const claimed = verdict.accepted ? null : claimedRun(read.value);
  return {
    kind,
    file: path,
    checks: [check(`attestation bundle (${verdict.signed ? "signed" : "unsigned"}, venue ${verdict.venueId ?? "?"}, sha256 ${verdict.bundleSha256})`, verdict.reasons)],
    // A hint only, read from bytes nobody vouched for: it changes no verdict.
    limits: claimed === null ? [] : [`the (unverified) payload says it was made by run ${claimed}: a run's bundle is signed by that run's own key; verify its run record (reports/run-record-${claimed}-*.json), which pins that key`],
  };
}

/** The run id an envelope's payload claims, unverified, for a hint; null when there is none. */
function claimedRun(bytes: Uint8Array): string | null {
  const outer = parseEvidenceJson(bytes, "bundle");
  if (!outer.ok || typeof outer.value !== "object" || outer.value === null) return null;
  const payload = (outer.value as { payload?: unknown }).payload;
  if (typeof payload !== "string") return null;
  const inner = parseEvidenceJson(Buffer.from(payload, "base64"), "payload");
  if (!inner.ok || typeof inner.value !== "object" || inner.value === null) return null;
  const runId = (inner.value as { predicate?: { runId?: unknown } }).predicate?.runId;
  return typeof runId === "string" && /^[\w.-]{1,80}$/.test(runId) ? runId : null;
}
