import { describe, expect, it } from "vitest";
import { parseReport } from "./parse.ts";

const enc = (s: string) => new TextEncoder().encode(s);

const vitest = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    success: true,
    startTime: 1_700_000_000_000,
    numFailedTests: 0,
    numTotalTests: 2,
    testResults: [
      { name: "/w/src/a.test.ts", status: "passed", assertionResults: [{ fullName: "a [#01] one", status: "passed" }, { fullName: "a [#02] two", status: "skipped" }] },
    ],
    ...over,
  });

describe("vitest JSON", () => {
  it("reads each case with its file, and anything but passed/failed as skipped", () => {
    const r = parseReport("vitest-json", enc(vitest()));
    expect(r.ok && r.value.cases).toEqual([
      { name: "a [#01] one", file: "/w/src/a.test.ts", status: "passed" },
      { name: "a [#02] two", file: "/w/src/a.test.ts", status: "skipped" },
    ]);
    expect(r.ok && r.value.startedAtMs).toBe(1_700_000_000_000);
  });

  it("a file that failed to load with no failing case is a broken file, not silence", () => {
    const r = parseReport("vitest-json", enc(vitest({ success: false, testResults: [{ name: "/w/b.test.ts", status: "failed", message: "SyntaxError", assertionResults: [] }] })));
    expect(r.ok && r.value.brokenFiles).toEqual([{ file: "/w/b.test.ts", message: "SyntaxError" }]);
  });

  it.each([
    ["not JSON", "{"],
    ["another shape", JSON.stringify({ tests: [] })],
    ["a BOM", `\uFEFF${vitest()}`],
  ])("refuses %s", (_, text) => {
    expect(parseReport("vitest-json", enc(text)).ok).toBe(false);
  });

  it("refuses bytes that are not UTF-8", () => {
    expect(parseReport("vitest-json", new Uint8Array([0x7b, 0xff, 0x7d])).ok).toBe(false);
  });
});

describe("JUnit XML", () => {
  const junit = `<?xml version="1.0"?>
<testsuites tests="4" failures="1">
  <testsuite name="lib" file="test/lib.test.js" timestamp="2026-12-07T10:00:00">
    <testcase classname="lib" name="[#01] adds"/>
    <testcase classname="lib" name="[#02] subtracts"><failure message="1 != 2"/></testcase>
    <testcase classname="lib" name="[#03] later"><skipped/></testcase>
    <testsuite name="inner"><testcase name="[#04] nested"><error message="boom"/></testcase></testsuite>
  </testsuite>
</testsuites>`;

  it("reads passed, failed, errored and skipped cases from nested suites", () => {
    const r = parseReport("junit-xml", enc(junit));
    if (!r.ok) throw new Error(r.error);
    expect(r.value.cases.map((c) => [c.name, c.status])).toEqual([
      ["lib › [#01] adds", "passed"],
      ["lib › [#02] subtracts", "failed"],
      ["lib › [#03] later", "skipped"],
      ["lib › inner › [#04] nested", "failed"],
    ]);
    expect(r.value.files).toEqual(["test/lib.test.js"]);
    expect(r.value.claimsSuccess).toBe(false);
    expect(r.value.startedAtMs).toBe(Date.parse("2026-12-07T10:00:00Z"));
  });

  it("bare <testcase>s under <testsuites> (Node's own junit reporter) are read; a suite named like a file names it", () => {
    const r = parseReport("junit-xml", enc(`<testsuites><testcase name="a" classname="test"/><testsuite name="test/b.test.js"><testcase name="b"/></testsuite></testsuites>`));
    if (!r.ok) throw new Error(r.error);
    expect(r.value.cases.map((c) => c.name).sort()).toEqual(["test › a", "test/b.test.js › b"]);
    expect(r.value.files).toEqual(["test/b.test.js"]);
  });

  it("a lone <testsuite> root is a report too", () => {
    const r = parseReport("junit-xml", enc(`<testsuite name="s"><testcase name="x"/></testsuite>`));
    expect(r.ok && r.value.cases).toEqual([{ name: "s › x", file: null, status: "passed" }]);
  });

  it.each([
    ["a DOCTYPE (entity tricks)", `<!DOCTYPE x [<!ENTITY a "b">]><testsuite name="s"><testcase name="&a;"/></testsuite>`],
    ["broken XML", `<testsuite><testcase></testsuite>`],
    ["no suite root", `<results><test/></results>`],
  ])("refuses %s", (_, text) => {
    expect(parseReport("junit-xml", enc(text)).ok).toBe(false);
  });
});

describe("TAP", () => {
  it("reads points, subtests, SKIP and TODO", () => {
    const tap = ["TAP version 14", "1..4", "ok 1 - [#01] adds", "not ok 2 - [#02] subtracts", "ok 3 - [#03] later # SKIP not yet", "# Subtest: group", "    1..1", "    ok 1 - [#04] inner", "ok 4 - group", ""].join("\n");
    const r = parseReport("tap", enc(tap));
    if (!r.ok) throw new Error(r.error);
    expect(r.value.cases.map((c) => [c.name, c.status])).toEqual([
      ["[#01] adds", "passed"],
      ["[#02] subtracts", "failed"],
      ["[#03] later", "skipped"],
      ["group › [#04] inner", "passed"],
    ]);
    expect(r.value.claimsSuccess).toBe(false);
  });

  it("a top-level subtest named like a file names that file (as node --test writes it)", () => {
    const tap = ["TAP version 13", "# Subtest: test/a.t.js", "    ok 1 - x", "    1..1", "ok 1 - test/a.t.js", "1..1", ""].join("\n");
    const r = parseReport("tap", enc(tap));
    expect(r.ok && r.value.files).toEqual(["test/a.t.js"]);
    expect(r.ok && r.value.cases.map((c) => c.name)).toEqual(["test/a.t.js › x"]);
  });

  it("a bail-out is a broken run, and a missing plan is not success", () => {
    const bailed = parseReport("tap", enc("TAP version 14\n1..3\nok 1 - a\nBail out! database gone\n"));
    expect(bailed.ok && bailed.value.brokenFiles.length).toBeGreaterThan(0);
    const short = parseReport("tap", enc("TAP version 14\n1..3\nok 1 - a\n"));
    expect(short.ok && short.value.claimsSuccess).toBe(false);
  });
});
