export type SandboxErrorCode = "ENGINE_UNAVAILABLE" | "IMAGE_MISSING" | "TIMEOUT" | "ABORTED" | "RUN_FAILED" | "ENGINE_RECORD_MISMATCH";

/** An expected failure of a sandbox operation, returned as a value. */
export interface SandboxError {
  code: SandboxErrorCode;
  message: string;
  /** The engine CLI's stderr, when there was one. */
  stderr?: string;
  /** ENGINE_RECORD_MISMATCH: the engine-record fields that differ from the request. */
  fields?: string[];
}

export function sandboxError(code: SandboxErrorCode, message: string, stderr?: string): SandboxError {
  return stderr === undefined || stderr === "" ? { code, message } : { code, message, stderr };
}
