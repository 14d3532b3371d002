/** A stream as far as colour and live redraws care. */
export interface OutStream {
  isTTY?: boolean;
}

/**
 * Colour only for a person at a terminal: never into a pipe or a file, never with NO_COLOR set
 * to anything but the empty string (no-color.org), never on a dumb terminal.
 */
export function colorOn(stream: OutStream, env: Record<string, string | undefined>): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? "") === "" && env.TERM !== "dumb";
}

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}
