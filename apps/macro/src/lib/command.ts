import { renderUsage, runCommand, type ArgsDef, type CommandDef } from "citty";
import type { Io } from "./io.ts";

/** A command as the dispatcher sees it: its usage text and a run that yields an exit code. */
export interface MacroCommand {
  usage(): Promise<string>;
  run(rawArgs: string[], io: Io): Promise<number>;
}

/** Wraps a citty command so each keeps its own typed args while the dispatcher stays untyped. */
export function macroCommand<const T extends ArgsDef>(def: CommandDef<T>): MacroCommand {
  return {
    usage: () => renderUsage(def),
    async run(rawArgs, io) {
      const { result } = await runCommand(def, { rawArgs, data: io });
      return typeof result === "number" ? result : 0;
    },
  };
}
