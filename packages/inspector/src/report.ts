import type { PacketCollection, PacketManifest } from "@macro/ssot";
import { compareFindings, finding, type Finding, type FindingCode } from "./findings.ts";
import type { PacketPlan } from "./preflight.ts";

export const REPORT_FORMAT = "tki-inspector-report/v1";

export interface CollectionStatistics {
  name: string;
  records: number;
  bytes: number;
  findings: number;
}

export interface InspectionReport {
  format: typeof REPORT_FORMAT;
  packet: { id: string; format: string; source: PacketManifest["source"]; exportedAt: string };
  /** "clean" only when no finding is an error or a warning (info findings, like an accepted BOM, do not count). */
  verdict: "clean" | "defects";
  statistics: {
    collections: CollectionStatistics[];
    /** Every finding counted, including those past the per-code cap that are not listed. */
    findingsByCode: Partial<Record<FindingCode, number>>;
    totals: { collections: number; records: number; bytes: number; findings: number; errors: number; warnings: number; infos: number };
  };
  findings: Finding[];
}

/** Findings as they come: every one counted, at most `cap` per code kept, in the order they came. */
export class FindingStore {
  readonly kept: Finding[] = [];
  readonly byCode = new Map<FindingCode, number>();
  readonly byCollection = new Map<string, number>();
  constructor(readonly cap: number) {}
  add(f: Finding): void {
    const n = (this.byCode.get(f.code) ?? 0) + 1;
    this.byCode.set(f.code, n);
    if (f.collection !== null) this.byCollection.set(f.collection, (this.byCollection.get(f.collection) ?? 0) + 1);
    if (n <= this.cap) this.kept.push(f);
  }
}

/** The report of a packet read to the end: findings sorted, counted per code and per collection. */
export function buildReport(
  plan: PacketPlan,
  checkers: Map<string, { collection: PacketCollection; records: number }>,
  bytesRead: Map<string, number>,
  store: FindingStore,
): InspectionReport {
  for (const [code, n] of [...store.byCode].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (n > store.cap) store.add(finding("FINDINGS_TRUNCATED", { field: code }, `${n - store.cap} more ${code} findings counted but not listed`));
  }
  const findings = [...store.kept].sort(compareFindings);
  const collections = [...checkers.values()]
    .map((c) => ({
      name: c.collection.name,
      records: c.records,
      bytes: bytesRead.get(c.collection.name) ?? 0,
      findings: store.byCollection.get(c.collection.name) ?? 0,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const findingsByCode: Partial<Record<FindingCode, number>> = {};
  for (const [code, n] of [...store.byCode].sort(([a], [b]) => (a < b ? -1 : 1))) findingsByCode[code] = n;
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const [code, n] of store.byCode) {
    const sev = finding(code, {}, "").severity;
    if (sev === "error") errors += n;
    else if (sev === "warning") warnings += n;
    else infos += n;
  }
  const m = plan.manifest;
  return {
    format: REPORT_FORMAT,
    packet: { id: m.packetId, format: m.format, source: m.source, exportedAt: m.exportedAt },
    verdict: errors + warnings === 0 ? "clean" : "defects",
    statistics: {
      collections,
      findingsByCode,
      totals: {
        collections: collections.length,
        records: collections.reduce((s, c) => s + c.records, 0),
        bytes: collections.reduce((s, c) => s + c.bytes, 0),
        findings: errors + warnings + infos,
        errors,
        warnings,
        infos,
      },
    },
    findings,
  };
}
