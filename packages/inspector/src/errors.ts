import { InputError } from "@macro/ssot";

/**
 * Why a packet was refused before any data was read. All of them are bad input
 * (exit 2 in the app); the file and field say exactly what to fix.
 */
export const PacketInputCode = {
  manifest: "PACKET_MANIFEST",
  schema: "PACKET_SCHEMA",
  pathEscape: "PACKET_PATH_ESCAPE",
  link: "PACKET_LINK",
  unknownCollection: "PACKET_UNKNOWN_COLLECTION",
  missingFile: "PACKET_MISSING_FILE",
  outDir: "REPORT_OUT_DIR",
} as const;
export type PacketInputCode = (typeof PacketInputCode)[keyof typeof PacketInputCode];

/** Every code an `InspectError` can carry, for the app's exit-code mapping (all → exit 2). */
export const INSPECT_ERROR_CODES: readonly PacketInputCode[] = Object.values(PacketInputCode);

export class PacketInputError extends InputError {
  override readonly code: PacketInputCode;
  /** The packet-relative file the problem is in (e.g. "manifest.json"). */
  readonly packetFile: string;
  /** Dotted path of the offending field inside that file, or null for the file itself. */
  readonly field: string | null;
  /** 1-based line for JSON syntax errors when known. */
  readonly line: number | null;
  constructor(
    code: PacketInputCode,
    message: string,
    where: { file: string; field?: string | null; line?: number | null; cause?: unknown },
  ) {
    const at = [where.file, where.line != null ? `line ${where.line}` : null, where.field ?? null]
      .filter((part): part is string => part !== null)
      .join(": ");
    super(code, `${at}: ${message}`, { file: where.file, cause: where.cause });
    this.name = "PacketInputError";
    this.code = code;
    this.packetFile = where.file;
    this.field = where.field ?? null;
    this.line = where.line ?? null;
  }
}

/** Alias the app can import under the name the design uses. */
export { PacketInputError as InspectError };
