/** Defects found in a packet's data. Refusals are `PacketInputError`s, not findings. */
export const FINDING_SEVERITY = {
  INTEGRITY_SHA256: "error",
  INTEGRITY_BYTES: "error",
  INTEGRITY_COUNT: "error",
  ENCODING_UTF8: "error",
  ENCODING_BOM: "info",
  LINE_TOO_LONG: "error",
  LINE_EMPTY: "warning",
  RECORD_JSON: "error",
  RECORD_TYPE: "error",
  RECORD_REQUIRED: "error",
  RECORD_MAXLENGTH: "error",
  RECORD_ENUM: "error",
  RECORD_UNKNOWN_FIELD: "warning",
  // JSON.parse keeps only the last value of a repeated key: a consumer may take the first.
  RECORD_DUPLICATE_KEY: "error",
  // A number no double holds (Infinity, a non-zero 0), or an integer outside 64 bits.
  RECORD_NUMBER_RANGE: "error",
  PK_MISSING: "error",
  PK_DUPLICATE: "error",
  UNIQUE_DUPLICATE: "error",
  RELATION_DANGLING: "error",
  // A check that could not run is a defect of the inspection, never a silent pass.
  RELATION_NOT_CHECKED: "error",
  KEY_INDEX_LIMIT: "error",
  SECRET_PRIVATE_KEY: "error",
  SECRET_AWS_KEY: "error",
  SECRET_TOKEN: "error",
  SECRET_URL_PASSWORD: "error",
  // The manifest or schema.json repeats a key: which value counts depends on the reader.
  PACKET_DUPLICATE_KEY: "error",
  // A file (or link, or device) in the packet that the manifest does not list: data beside the checks.
  PACKET_UNLISTED_FILE: "error",
  // Names that only differ in case: one file on a filesystem that ignores case.
  PACKET_NAME_COLLISION: "error",
  FINDINGS_TRUNCATED: "warning",
} as const;

export type FindingCode = keyof typeof FINDING_SEVERITY;
export type Severity = "error" | "warning" | "info";
export const FINDING_CODES = Object.keys(FINDING_SEVERITY) as FindingCode[];

export interface Finding {
  code: FindingCode;
  severity: Severity;
  collection: string | null;
  line: number | null;
  recordKey: string | null;
  field: string | null;
  message: string;
}

export function finding(
  code: FindingCode,
  where: { collection?: string | null; line?: number | null; recordKey?: string | null; field?: string | null },
  message: string,
): Finding {
  return {
    code,
    severity: FINDING_SEVERITY[code],
    collection: where.collection ?? null,
    line: where.line ?? null,
    recordKey: where.recordKey ?? null,
    field: where.field ?? null,
    message,
  };
}

const cmpStr = (a: string | null, b: string | null): number => {
  const x = a ?? "";
  const y = b ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Total order so reports are byte-identical whatever order checks ran in. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmpStr(a.collection, b.collection) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    cmpStr(a.code, b.code) ||
    cmpStr(a.field, b.field) ||
    cmpStr(a.recordKey, b.recordKey) ||
    cmpStr(a.message, b.message)
  );
}
