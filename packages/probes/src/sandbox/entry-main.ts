import { readFile } from "node:fs/promises";
import * as z from "zod";
import { ProbeExpectation, ProbeNonce, type ProbeReport } from "@macro/ssot";
import type { ProbeEnv } from "./env.ts";
import { runProbes } from "./run.ts";

/** A bare list of expectations, or the SSOT's `sandbox` block (anything with a `probes` list). */
const ExpectationsInput = z.union([
  z.array(ProbeExpectation).min(1),
  z.looseObject({ probes: z.array(ProbeExpectation).min(1) }).transform((block) => block.probes),
]);

export const ENTRY_USAGE =
  "usage: probe-entry.cjs (<expectations.json> | --expect-json '<json>') --nonce <32 hex digits>\n" +
  "  the JSON is a list of {id, title, expected} or an object with such a list under \"probes\";\n" +
  "  the nonce is the attester's, fresh for this run, and is carried by every result\n";

export interface EntryIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile?: (path: string) => Promise<string>;
  probeEnv?: ProbeEnv;
}

/** `--nonce <hex>` taken out of args (it may come anywhere); a string is the usage error. */
function takeNonce(args: string[]): { nonce: string; rest: string[] } | string {
  const at = args.indexOf("--nonce");
  if (at < 0) return "--nonce <32 hex digits> is required: the attester issues one per run";
  const parsed = ProbeNonce.safeParse(args[at + 1]);
  if (!parsed.success) return "--nonce must be 32 lower-case hex digits";
  const rest = [...args.slice(0, at), ...args.slice(at + 2)];
  if (rest.includes("--nonce")) return "--nonce given more than once";
  return { nonce: parsed.data, rest };
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
  const nonce = takeNonce(args);
  const expectations = typeof nonce === "string" ? nonce : await loadExpectations(nonce.rest, io);
  if (typeof nonce === "string" || typeof expectations === "string") {
    io.stderr(`probe-entry: ${typeof nonce === "string" ? nonce : String(expectations)}\n${ENTRY_USAGE}`);
    return 2;
  }
  const report: ProbeReport = await runProbes(expectations, nonce.nonce, io.probeEnv);
  io.stdout(`${JSON.stringify(report)}\n`);
  return 0;
}
