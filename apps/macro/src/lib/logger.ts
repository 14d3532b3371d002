import { mkdirSync } from "node:fs";
import { join } from "node:path";
import pino, { type Logger } from "pino";
import type { Io } from "./io.ts";
import { colorOn } from "./tty.ts";

export interface RunLogger {
  log: Logger;
  file: string;
}

/**
 * One JSON log file per run (everything, for the record) and, on a terminal, warnings
 * pretty-printed to stderr. Sync destinations: a CLI that ends must not lose its last lines.
 */
export async function createRunLogger(io: Io, reportsDir: string, runId: string): Promise<RunLogger> {
  const dir = join(reportsDir, "logs");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `run-${runId}.ndjson`);
  const streams: pino.StreamEntry[] = [{ level: "debug", stream: pino.destination({ dest: file, sync: true }) }];
  if (io.stderr.isTTY === true) {
    // Loaded only on a terminal: pipes and CI get the plain track lines and the JSON file.
    const { default: pretty } = await import("pino-pretty");
    streams.push({ level: "warn", stream: pretty({ destination: 2, sync: true, colorize: colorOn(io.stderr, io.env) }) });
  }
  const log = pino({ level: "debug", base: { runId } }, pino.multistream(streams));
  return { log, file };
}
