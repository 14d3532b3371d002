// The build: src/*.js into one CommonJS file, calc.js, in the step's output directory.
// Deliberately tiny (no bundler): the point is a foreign project with a build and an artifact.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const out = process.argv[2] ?? "/out";
const order = ["add.js", "divide.js", "parse.js"];
const found = readdirSync("src").filter((f) => f.endsWith(".js")).sort();
if (found.join() !== [...order].sort().join()) {
  console.error(`build: src/ has ${found.join(", ")}; the build knows ${order.join(", ")}`);
  process.exit(1);
}
const body = order
  .map((f) => readFileSync(join("src", f), "utf8").replace(/^import .*$/gm, "").replace(/^export /gm, ""))
  .join("\n");
writeFileSync(join(out, "calc.js"), `"use strict";\n${body}\nmodule.exports = { add, divide, evaluate };\n`);
