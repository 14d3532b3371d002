/**
 * Why a piece of evidence was not accepted. `code` is stable (tests and blocker packets key on
 * it); `path` points into the bundle (e.g. `predicate.probes[3].actual`) when there is a place.
 */
export interface Reason {
  code: string;
  message: string;
  path?: string;
}

export function reason(code: string, message: string, path?: string): Reason {
  return path === undefined ? { code, message } : { code, message, path };
}

/** The same, under the name callers outside this package read best. */
export const reasonOf = reason;
