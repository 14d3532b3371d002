const test = require("node:test");
const assert = require("node:assert/strict");
const { divide } = require("/artifacts/build-calc/calc.js");

test("[#03] divide divides", () => assert.equal(divide(6, 3), 2));
test("[#04] divide by zero throws a RangeError", () => assert.throws(() => divide(1, 0), RangeError));
