const test = require("node:test");
const assert = require("node:assert/strict");
const { add } = require("/artifacts/build-calc/calc.js");

test("[#01] add sums two integers", () => assert.equal(add(2, 3), 5));
test("[#02] add handles negatives", () => assert.equal(add(-2, -3), -5));
