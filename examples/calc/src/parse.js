/** "1 + 2" → 3; only + and / with integer operands. */
import { add } from "./add.js";
import { divide } from "./divide.js";

export function evaluate(text) {
  const match = /^\s*(-?\d+)\s*([+/])\s*(-?\d+)\s*$/.exec(text);
  if (match === null) throw new SyntaxError(`not an expression: ${text}`);
  const [, a, op, b] = match;
  return op === "+" ? add(Number(a), Number(b)) : divide(Number(a), Number(b));
}
