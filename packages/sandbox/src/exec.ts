import { execa } from "execa";

export interface CliResult {
  /** null when the process did not run to an exit (spawn failure, killed by a signal). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** A spawn-level failure, e.g. ENOENT when the CLI is not installed. */
  spawnError: string | null;
}

export interface CliOptions {
  env: Readonly<Record<string, string | undefined>>;
  timeoutMs?: number;
  signal?: AbortSignal;
  input?: string;
  /**
   * Signal for timeout/abort. SIGKILL for `run`: a SIGTERM would be proxied to the
   * container's PID 1 (node), which ignores it, and the client would hang until force-killed.
   */
  killSignal?: "SIGTERM" | "SIGKILL";
}

/**
 * Run an engine CLI and return what happened; never throws for a failing command. The
 * environment is exactly the one given (no inheritance) so DOCKER_HOST and friends come
 * only from the caller.
 */
export async function runCli(file: string, args: readonly string[], options: CliOptions): Promise<CliResult> {
  const result = await execa(file, [...args], {
    env: options.env,
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    killSignal: options.killSignal ?? "SIGTERM",
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    ...(options.signal === undefined ? {} : { cancelSignal: options.signal }),
    ...(options.input === undefined ? { stdin: "ignore" as const } : { input: options.input }),
  });
  const spawnFailed = result.failed && result.exitCode === undefined && result.signal === undefined && !result.timedOut && !result.isCanceled;
  return {
    exitCode: result.exitCode ?? null,
    stdout: typeof result.stdout === "string" ? result.stdout : "",
    stderr: typeof result.stderr === "string" ? result.stderr : "",
    timedOut: result.timedOut,
    aborted: result.isCanceled,
    spawnError: spawnFailed ? (result.code ?? result.shortMessage ?? "spawn failed") : null,
  };
}
