/** The process's streams and environment, handed in so commands never reach for globals. */
export interface Io {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** `--quiet`: no progress lines, only results and errors. */
  quiet?: boolean;
}

const isIo = (value: unknown): value is Io =>
  typeof value === "object" && value !== null && "stdout" in value && "stderr" in value && "env" in value && "cwd" in value && "signal" in value;

/** citty passes our Io through as untyped `data`; check it once at the boundary. */
export function ioFrom(data: unknown): Io {
  if (!isIo(data)) throw new Error("command invoked without Io; call it through runCli");
  return data;
}
