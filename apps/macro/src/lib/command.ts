import { renderUsage, runCommand, type ArgsDef, type CommandDef } from "citty";
import { ExitCode } from "@macro/ssot";
import { canonicalArgv, globalArgs, strictArgs } from "./args.ts";
import type { Io } from "./io.ts";
import { colorOn, stripAnsi, type OutStream } from "./tty.ts";

/** A command as the dispatcher sees it: its usage text and a run that yields an exit code. */
export interface MacroCommand {
  usage(stream: OutStream, env: Io["env"]): Promise<string>;
  run(rawArgs: string[], io: Io): Promise<number>;
}

/**
 * Wraps a citty command so each keeps its own typed args while the dispatcher stays untyped.
 * citty forgives (unknown flags ignored, `--json=maybe` read as true, a missing value taken
 * from the next flag), so argv is checked here first, once for every command, against the
 * same ArgsDef citty reads; a refusal is exit 2 with the usage, before anything runs.
 */
export function macroCommand<const T extends ArgsDef>(def: CommandDef<T> & { args: T }): MacroCommand {
  const args: ArgsDef = { ...def.args, ...globalArgs };
  const usage = async (stream: OutStream, env: Io["env"]) => {
    const text = await renderUsage({ meta: def.meta, args }, { meta: { name: "macro" } });
    return colorOn(stream, env) ? text : stripAnsi(text);
  };
  return {
    usage,
    async run(rawArgs, io) {
      const parsed = strictArgs(rawArgs, args);
      if (!parsed.ok) {
        io.stderr.write(`macro ${commandName(def.meta)}: ${parsed.error.message}\n\n${await usage(io.stderr, io.env)}\n`);
        return ExitCode.usage;
      }
      if (parsed.value.help) {
        io.stdout.write(`${await usage(io.stdout, io.env)}\n`);
        return ExitCode.closed;
      }
      const { values, positionals } = parsed.value;
      const data: Io = { ...io, quiet: io.quiet === true || values.get("quiet") === true };
      // The global options are the dispatcher's; the command's own parser sees only its own.
      const own = new Map([...values].filter(([name]) => !(name in globalArgs)));
      const { result } = await runCommand(def, { rawArgs: canonicalArgv(own, positionals), data });
      return typeof result === "number" ? result : 0;
    },
  };
}

function commandName(meta: CommandDef["meta"]): string {
  return typeof meta === "object" && meta !== null && "name" in meta && typeof meta.name === "string" ? meta.name : "command";
}
