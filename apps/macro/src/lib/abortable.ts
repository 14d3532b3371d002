import { InterruptedError } from "@macro/ssot";

/**
 * Settles with `work`, or rejects with InterruptedError as soon as `signal` aborts. Only for work
 * that writes nothing (reading and checking inputs, asking what venue this is): abandoning it
 * leaves no trace, so a signal during it ends the command at once instead of when it finishes.
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(new InterruptedError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new InterruptedError());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
