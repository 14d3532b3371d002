export { PacketInputError, InspectError, PacketInputCode, INSPECT_ERROR_CODES } from "./errors.ts";
export { FINDING_SEVERITY, FINDING_CODES, type Finding, type FindingCode, type Severity } from "./findings.ts";
export { inspectPacket, type InspectOptions, type InspectLimits } from "./inspect.ts";
export { REPORT_FORMAT, type InspectionReport, type CollectionStatistics } from "./report.ts";
export { renderReportJson, renderReportMarkdown } from "./render.ts";
export { writeReport } from "./write.ts";
export { generatePacket, DEFECT_FINDING, GENERATED_SCHEMA, type DefectKind, type GenerateOptions, type GenerateResult } from "./generate.ts";
export { fromDirectusSnapshot, DirectusMappingError, type DirectusMapping, type DirectusMappingCode } from "./directus.ts";
export * from "./guard/index.ts";
