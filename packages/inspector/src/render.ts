import { FINDING_SEVERITY, type Finding, type FindingCode } from "./findings.ts";
import type { InspectionReport } from "./report.ts";

/** JSON with keys sorted at every level, two-space indent and a final newline. */
export function renderReportJson(report: InspectionReport): string {
  return `${JSON.stringify(sortKeys(report), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/** Cells hold data-derived text (record keys, field names): nothing may break the table or inject markup. */
function cell(text: string | number | null): string {
  if (text === null) return "–";
  return String(text)
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/`/g, "\\`")
    .replace(/</g, "&lt;")
    .replace(/[\r\n]+/g, " ");
}

const row = (cells: (string | number | null)[]): string => `| ${cells.map(cell).join(" | ")} |`;

/** A deterministic rendering of the JSON report: same report, same bytes. */
export function renderReportMarkdown(report: InspectionReport): string {
  const { packet, statistics: s } = report;
  const t = s.totals;
  const source = packet.source.version === undefined ? packet.source.system : `${packet.source.system} ${packet.source.version}`;
  const out: string[] = [
    `# Packet inspection report: ${cell(packet.id)}`,
    "",
    `- Verdict: **${report.verdict}** (${t.errors} errors, ${t.warnings} warnings, ${t.infos} info)`,
    `- Packet format: ${cell(packet.format)}`,
    `- Source: ${cell(source)}`,
    `- Exported at: ${cell(packet.exportedAt)}`,
    `- Report format: ${cell(report.format)}`,
    "",
    "## Collections",
    "",
    "| Collection | Records | Bytes | Findings |",
    "| --- | ---: | ---: | ---: |",
    ...s.collections.map((c) => row([c.name, c.records, c.bytes, c.findings])),
    "",
    "## Findings by code",
    "",
  ];
  const codes = Object.keys(s.findingsByCode).sort() as FindingCode[];
  if (codes.length === 0) {
    out.push("No findings.", "");
  } else {
    out.push("| Code | Severity | Count |", "| --- | --- | ---: |");
    for (const code of codes) out.push(row([code, FINDING_SEVERITY[code], s.findingsByCode[code] ?? 0]));
    out.push("");
    const groups = new Map<FindingCode, Finding[]>();
    for (const f of report.findings) groups.set(f.code, [...(groups.get(f.code) ?? []), f]);
    for (const code of codes) {
      const list = groups.get(code) ?? [];
      const count = s.findingsByCode[code] ?? 0;
      out.push(`### ${code} (${count})`, "");
      if (list.length < count) out.push(`${count - list.length} not listed (per-code cap).`, "");
      if (list.length > 0) {
        out.push("| Collection | Line | Record | Field | Message |", "| --- | ---: | --- | --- | --- |");
        for (const f of list) out.push(row([f.collection, f.line, f.recordKey, f.field, f.message]));
        out.push("");
      }
    }
  }
  out.push(
    "## Totals",
    "",
    "| Collections | Records | Bytes | Findings | Errors | Warnings | Info |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    row([t.collections, t.records, t.bytes, t.findings, t.errors, t.warnings, t.infos]),
    "",
  );
  return out.join("\n");
}
