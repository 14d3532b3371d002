import type { PacketManifest } from "@macro/ssot";
import type { Finding, FindingCode } from "./findings.ts";

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
