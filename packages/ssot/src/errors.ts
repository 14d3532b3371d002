/**
 * Typed errors shared by every package. Expected failures are returned as results;
 * these are for the cases that must stop a command, each mapped to one exit code by
 * the CLI's single top-level catch.
 */
export const ExitCode = {
  closed: 0,
  internal: 1,
  usage: 2,
  blocked: 3,
  /** SIGINT/SIGTERM: what was running was stopped and cleaned up; the last checkpoint stays. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class MacroError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  constructor(code: string, message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MacroError";
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Bad input from a user: a file, a flag, an argument. Exit 2, nothing written. */
export class InputError extends MacroError {
  readonly file: string | undefined;
  constructor(code: string, message: string, options?: { file?: string; cause?: unknown }) {
    super(code, message, ExitCode.usage, options);
    this.name = "InputError";
    this.file = options?.file;
  }
}

/** A defect in macro itself. Exit 1. */
export class InternalError extends MacroError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, ExitCode.internal, options);
    this.name = "InternalError";
  }
}

/** The user interrupted the command. Exit 130, as a shell reports SIGINT. */
export class InterruptedError extends MacroError {
  constructor(message = "interrupted") {
    super("INTERRUPTED", message, ExitCode.interrupted);
    this.name = "InterruptedError";
  }
}

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };
export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });
