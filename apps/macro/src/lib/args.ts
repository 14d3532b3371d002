import type { ArgsDef } from "citty";
import { err, ok, type Result } from "@macro/ssot";

/** The options most commands share, defined once so their names, defaults and help agree. */
export const ssotArg = { type: "string", description: "The SSOT file", valueHint: "FILE", default: "macro.yaml" } as const;
export const jsonArg = { type: "boolean", description: "Print the machine-readable result on stdout", default: false } as const;

/** Options every command takes; the dispatcher consumes them, commands never see them. */
export const globalArgs = {
  quiet: { type: "boolean", description: "No progress lines: only the result and errors", default: false },
} as const satisfies ArgsDef;

export type ArgProblemCode = "ARG_UNKNOWN" | "ARG_MISSING_VALUE" | "ARG_BAD_VALUE" | "ARG_REPEATED" | "ARG_REQUIRED" | "ARG_EXTRA";

/** Why an argv was refused, naming the flag (or argument) at fault. */
export interface ArgProblem {
  code: ArgProblemCode;
  flag: string;
  message: string;
}

/** What a strict parse yields: `help` asked for, or the checked values and positionals. */
export type StrictArgs = { help: true } | { help: false; values: Map<string, string | boolean>; positionals: string[] };

type Kind = "string" | "boolean";

/**
 * Checks argv against a command's declared args and refuses what citty would forgive: an
 * unknown flag, a string flag with no value (or with the next flag taken as its value), a
 * boolean given a value other than true/false, a flag given twice, a missing required option,
 * a positional too many.
 */
export function strictArgs(rawArgs: readonly string[], def: ArgsDef): Result<StrictArgs, ArgProblem> {
  const options = new Map<string, Kind>();
  const positionals: { name: string; required: boolean }[] = [];
  const required: string[] = [];
  for (const [name, arg] of Object.entries(def)) {
    if (arg.type === "positional") positionals.push({ name, required: arg.required !== false && arg.default === undefined });
    else if (arg.type === "string" || arg.type === "boolean") options.set(name, arg.type);
    // Only the kinds above are validated; a command declaring another is a defect, found in its first test.
    else throw new Error(`unsupported argument kind '${String(arg.type)}' for '${name}'`);
    if (arg.type === "string" && arg.required === true && arg.default === undefined) required.push(name);
  }

  const values = new Map<string, string | boolean>();
  const given: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] ?? "";
    if (arg === "--") {
      given.push(...rawArgs.slice(i + 1));
      break;
    }
    if (arg === "--help" || arg === "-h") return ok({ help: true });
    if (!arg.startsWith("-") || arg === "-") {
      given.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    let name = flag.startsWith("--") ? flag.slice(2) : "";
    let negated = false;
    if (!options.has(name) && name.startsWith("no-") && options.get(name.slice(3)) === "boolean") {
      name = name.slice(3);
      negated = true;
    }
    const kind = options.get(name);
    if (kind === undefined) return err(unknown(flag, [...options.keys()]));
    if (values.has(name)) return err({ code: "ARG_REPEATED", flag: `--${name}`, message: `--${name} is given more than once` });
    if (kind === "boolean") {
      if (inline !== undefined && (negated || (inline !== "true" && inline !== "false"))) {
        return err({ code: "ARG_BAD_VALUE", flag: `--${name}`, message: `${flag} takes no value${negated ? "" : " (or true/false)"}, not '${inline}'` });
      }
      values.set(name, !negated && inline !== "false");
      continue;
    }
    const value = inline ?? rawArgs[i + 1];
    if (inline === undefined) i++;
    // `--ssot --json`: the next flag is not a value. A value that starts with a dash is written `--ssot=-x`.
    if (value === undefined || (inline === undefined && value.startsWith("-") && value !== "-")) {
      return err({ code: "ARG_MISSING_VALUE", flag, message: `${flag} needs a value${value === undefined ? "" : ` (got the option '${value}'; write ${flag}=${value} if that is the value)`}` });
    }
    if (value.trim() === "") return err({ code: "ARG_BAD_VALUE", flag, message: `${flag} needs a non-empty value` });
    values.set(name, value);
  }

  const missing = required.find((name) => !values.has(name));
  if (missing !== undefined) return err({ code: "ARG_REQUIRED", flag: `--${missing}`, message: `--${missing} is required` });
  const extra = given[positionals.length];
  if (extra !== undefined) return err({ code: "ARG_EXTRA", flag: extra, message: `unexpected argument '${extra}'` });
  const absent = positionals.find((p, i) => p.required && given[i] === undefined);
  if (absent !== undefined) return err({ code: "ARG_REQUIRED", flag: absent.name.toUpperCase(), message: `missing argument <${absent.name.toUpperCase()}>` });

  return ok({ help: false, values, positionals: given });
}

/**
 * Checked values back as argv in one form that no parser can read two ways (`--name=value`,
 * `--flag`, `--no-flag`, then `--` and the positionals), so citty reads exactly what was checked.
 */
export function canonicalArgv(values: ReadonlyMap<string, string | boolean>, positionals: readonly string[]): string[] {
  const flags = [...values].map(([name, value]) => (value === true ? `--${name}` : value === false ? `--no-${name}` : `--${name}=${value}`));
  return positionals.length === 0 ? flags : [...flags, "--", ...positionals];
}

function unknown(flag: string, names: string[]): ArgProblem {
  const bare = flag.replace(/^-+/, "");
  const near = names.filter((n) => distance(n, bare) <= Math.max(1, Math.floor(n.length / 3)));
  const hint = near.length === 0 ? "" : ` (did you mean ${near.map((n) => `--${n}`).join(" or ")}?)`;
  return { code: "ARG_UNKNOWN", flag, message: `unknown option '${flag}'${hint}` };
}

/** Edit distance, transpositions counting once: enough to suggest `--json` for `--jsno`. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row !== undefined) row[j] = best;
    }
  }
  return at(a.length, b.length);
}
