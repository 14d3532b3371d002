import { createHash } from "node:crypto";

/** sha256 of raw bytes, lowercase hex. Never hash a re-serialisation of what was read. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}
