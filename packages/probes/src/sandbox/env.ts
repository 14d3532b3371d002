/**
 * Everything a probe may observe or do, injected so that every probe runs on the host
 * against fake /proc contents in tests. Failing operations throw errors carrying a Node
 * errno `code` (ENOENT, EROFS, …), exactly like node:fs does.
 */
export interface HelperRun {
  /** Null when the helper was killed. */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
}

export type ConnectOutcome =
  | { kind: "error"; code: string }
  | { kind: "connected" }
  | { kind: "timeout" };

export interface ConnectRequest {
  host: string;
  port: number;
  family: 4;
  timeoutMs: number;
}

export interface ProcessIds {
  uid: number;
  euid: number;
  gid: number;
  egid: number;
  groups: number[];
}

export type NodeKind = "file" | "dir" | "link" | "socket" | "char" | "block" | "fifo" | "other";

export interface NodeInfo {
  kind: NodeKind;
  /** Permission bits (mode & 0o7777). */
  mode: number;
  /** Device numbers of a char/block node; 0:0 otherwise. */
  major: number;
  minor: number;
}

export interface ProbeEnv {
  readFile(path: string): Promise<string>;
  /** Up to `bytes` bytes from the start of a file (for files like /proc/kcore that must not be read whole). */
  readHead(path: string, bytes: number): Promise<number>;
  readdir(path: string): Promise<string[]>;
  readlink(path: string): Promise<string>;
  /** Resolves when the path exists (any type, links not followed); throws ENOENT etc. otherwise. */
  lstat(path: string): Promise<NodeInfo>;
  /** A directory's entries with their types (links not followed). */
  listDir(path: string): Promise<{ name: string; kind: NodeKind }[]>;
  /** Writes a copy of the syscall helper at `path` (new file only, mode 0700). */
  copyHelperTo(path: string): Promise<void>;
  /** Executes `path` with `args`; throws with the errno (EACCES on a noexec mount) when exec fails. */
  execAt(path: string, args: string[]): Promise<HelperRun>;
  /** connect(2) on a unix socket path (local, never the network); nothing is written to it. */
  connectUnix(path: string, timeoutMs: number): Promise<ConnectOutcome>;
  /** Opens for writing and closes at once; never writes a byte. `create` adds O_CREAT|O_EXCL. */
  openForWrite(path: string, create: boolean): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Runs the static syscall helper with these arguments. Throws (ENOENT…) when it cannot start. */
  runHelper(args: string[]): Promise<HelperRun>;
  /** The only network operation any probe performs (P12, behind its guard). */
  connect(request: ConnectRequest): Promise<ConnectOutcome>;
  env: Record<string, string | undefined>;
  ids(): ProcessIds;
  /** process.setuid; throws with an errno code when refused. */
  setuid(id: number): void;
  pid: number;
  kernelRelease: string;
  nonce(): string;
}

/** The errno name of a thrown error, or "UNKNOWN" when it carries none. */
export function errnoOf(error: unknown): string {
  if (error !== null && typeof error === "object" && "code" in error && typeof error.code === "string") {
    return error.code;
  }
  return "UNKNOWN";
}

/** Reads a file, returning null (and the errno) instead of throwing. */
export async function tryRead(env: ProbeEnv, path: string): Promise<{ text: string } | { errno: string }> {
  try {
    return { text: await env.readFile(path) };
  } catch (error) {
    return { errno: errnoOf(error) };
  }
}
