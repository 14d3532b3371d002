import { createRequire } from "node:module";
import assert from "node:assert/strict";

const { evaluate } = createRequire(import.meta.url)("/artifacts/build-calc/calc.js");

export const tests = [
  ["[#05] evaluate reads a sum", () => assert.equal(evaluate("1 + 2"), 3)],
  ["[#06] evaluate refuses what is not an expression", () => assert.throws(() => evaluate("1 +"), SyntaxError)],
];
