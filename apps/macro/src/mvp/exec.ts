import { spawn } from "node:child_process";

export interface ExecResult {
  exitCode: number | null;
  output: string;
  error: string | null;
}

/** A child process with its stdout and stderr interleaved into one log, never thrown on failure. */
export function execLogged(command: string, args: string[], options: { cwd: string; env: Record<string, string | undefined>; signal?: AbortSignal }): Promise<ExecResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], signal: options.signal });
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => chunks.push(c));
    child.on("error", (error) => resolve({ exitCode: null, output: Buffer.concat(chunks).toString("utf8"), error: error.message }));
    child.on("close", (code) => resolve({ exitCode: code, output: Buffer.concat(chunks).toString("utf8"), error: null }));
  });
}
