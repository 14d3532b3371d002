import { readFile } from "node:fs/promises";
import * as z from "zod";
import { ProbeExpectation, type ProbeReport } from "@macro/ssot";
import type { ProbeEnv } from "./env.ts";
import { runProbes } from "./run.ts";

/** A bare list of expectations, or the SSOT's `sandbox` block (anything with a `probes` list). */
const ExpectationsInput = z.union([
  z.array(ProbeExpectation).min(1),
  z.looseObject({ probes: z.array(ProbeExpectation).min(1) }).transform((block) => block.probes),
]);

export const ENTRY_USAGE =
  "usage: probe-entry.cjs <expectations.json> | probe-entry.cjs --expect-json '<json>'\n" +
  "  the JSON is a list of {id, title, expected} or an object with such a list under \"probes\"\n";

export interface EntryIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile?: (path: string) => Promise<string>;
  probeEnv?: ProbeEnv;
}

async function loadExpectations(args: string[], io: EntryIo): Promise<ProbeExpectation[] | string> {
  let text: string;
  if (args[0] === "--expect-json" && args.length === 2 && args[1] !== undefined) {
    text = args[1];
  } else if (args.length === 1 && args[0] !== undefined && !args[0].startsWith("-")) {
    try {
      text = await (io.readFile ?? ((path: string) => readFile(path, "utf8")))(args[0]);
    } catch (error) {
      return `cannot read ${args[0]}: ${error instanceof Error ? error.message : String(error)}`;
    }
  } else {
    return "expected exactly one expectations file or --expect-json <json>";
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return "expectations are not valid JSON";
  }
  const parsed = ExpectationsInput.safeParse(json);
  return parsed.success ? parsed.data : `invalid expectations:\n${z.prettifyError(parsed.error)}`;
}

/**
 * The in-container program: prints ONE JSON ProbeReport to stdout and returns 0 once the probes
 * ran (the caller judges verdicts), or prints usage to stderr and returns 2 on bad input.
 */
export async function runEntry(args: string[], io: EntryIo): Promise<number> {
  const expectations = await loadExpectations(args, io);
  if (typeof expectations === "string") {
    io.stderr(`probe-entry: ${expectations}\n${ENTRY_USAGE}`);
    return 2;
  }
  const report: ProbeReport = await runProbes(expectations, io.probeEnv);
  io.stdout(`${JSON.stringify(report)}\n`);
  return 0;
}
