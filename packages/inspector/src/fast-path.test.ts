import { readdir } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { generatePacket, mulberry32 } from "./generate.ts";
import { inspectPacketUsing, type InspectLimits } from "./inspect.ts";
import { renderReportJson, renderReportMarkdown } from "./render.ts";
import { everyDefect, fixture, HOSTILE_SCHEMA, makePacket, PACKETS, tempDir } from "./test-support.ts";

// The record fast path (record-scan.ts, wasm-scan.ts) and the check workers (check-worker.ts)
// must change nothing but speed: every packet gives the same report, byte for byte, with them
// and with every line parsed in full on one thread.

// Check workers run the built worker (turbo builds before it tests).
const WORKER = new URL("../dist/check-worker.js", import.meta.url);

/**
 * Both renderings of the report, or the refusal: with the fast path, without it (every line
 * parsed in full, on this thread), and with the fast path and a check worker taking part from
 * the first item; and how many records the fast path took.
 */
async function both(packetDir: string, limits?: InspectLimits): Promise<{ fast: string; reference: string; fastRecords: number; records: number }> {
  const run = async (fastPath: boolean, threads: number): Promise<{ text: string; fastRecords: number; records: number; workerItems: number }> => {
    const mode = { fastPath, fastRecords: 0, awaitWorkers: true, workerItems: 0 };
    const r = await inspectPacketUsing({ packetDir, threads, workerScript: WORKER, ...(limits === undefined ? {} : { limits }) }, mode);
    if (!r.ok) return { text: `refused ${r.error.code}: ${r.error.message}`, fastRecords: mode.fastRecords, records: 0, workerItems: mode.workerItems };
    const text = renderReportJson(r.value) + renderReportMarkdown(r.value);
    return { text, fastRecords: mode.fastRecords, records: r.value.statistics.totals.records, workerItems: mode.workerItems };
  };
  const fast = await run(true, 0);
  const reference = await run(false, 0);
  const threaded = await run(true, 1);
  expect(reference.fastRecords).toBe(0);
  expect(threaded.text, "with a check worker").toBe(fast.text);
  if (fast.records > 0) expect(threaded.workerItems, "items the check worker took (is dist/check-worker.js built?)").toBeGreaterThan(0);
  return { fast: fast.text, reference: reference.text, fastRecords: fast.fastRecords, records: fast.records };
}

const ALL = everyDefect(0.03);

const STRINGS = ["", "a", "ab", "é", "😀x", "日本語", "😀😀😀", "😀😀😀😀", "abcd", "plain words", "tab\there", "ctl\u0001x", "nl\\nx", 'q\\"x', "bs\\\\x", "\\u0041", "\\u00e9", "\\ud83d\\ude00", "\\ud800"];
const NEEDLY = ["K", "J", "a/b", "xox", "gh", "github", "glpat-", "Key", "AKIAABCDEFGHIJKLMNOP", `ghp_${"a".repeat(36)}`, `github_pat_${"b".repeat(30)}`, "pattern", "eyJhbGciOiJI.eyJzdWIiOiIx.c2lnbmF0dXJl", "-----BEGIN RSA PRIVATE KEY-----", "https://u:p@host", "xoxb-1234567890ab", "glpat-abcdefghijklmnopqrstu"];
const NUMBERS = ["0", "-0", "1", "2", "3", "1.0", "1.5", "-7", "1e2", "1E+2", "2e-1", "12345678901234567890", "123456789012345", "1e400", "01", "1.", ".5", "+1", "-", "1e", "0x10", "NaN", "18446744073709551616", "18446744073709551617", "9007199254740993", "1e19", "-9223372036854775809", "1e-400", "1e22", "1e23", "0.99999999999999999", "1e300"];
const DATES = ["2026-01-01T00:00:00.000Z", "2026-12-31T23:59:59.999Z", "2026-13-01T00:00:00.000Z", "2026-02-31T24:00:00.000Z", "2026-01-01T24:00:00.000Z", "2026-01-01T24:00:01.000Z", "2026-01-01", "2026-01-01 10:00", "2026-01-01T10:00:00+02:00", "2026-01-01T00:00:00.000z", "x026-01-01T00:00:00.000Z"];
const UUIDS = ["0123abcd-abcd-4ef0-8abc-0123456789ef", "0123ABCD-ABCD-4EF0-8ABC-0123456789EF", "0123abcd-abcd-4ef0-8abc-0123456789eg", "0123abcd-abcd-4ef0-8abc-0123456789e", "0123abcd_abcd-4ef0-8abc-0123456789ef"];

/**
 * A data file of `things` whose lines are valid records with, most of the time, something
 * changed: every value kind in every field, escapes, control characters, secrets and their
 * needles, whitespace, duplicates, unknown keys, nesting, broken JSON and broken UTF-8.
 * The first half stays ASCII, so whole reads of it take the ASCII route.
 */
function hostileLines(seed: number, count: number): Buffer {
  // The generator's own mulberry32: the same cases on every run.
  const r = mulberry32(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const str = (ascii: boolean): string => {
    const pool = ascii ? [...STRINGS, ...NEEDLY].filter((s) => /^[\x00-\x7f]*$/.test(s)) : [...STRINGS, ...NEEDLY];
    return `"${pick(pool)}"`;
  };
  const anyValue = (ascii: boolean): string =>
    pick([() => str(ascii), () => pick(NUMBERS), () => "true", () => "false", () => "null", () => "[1,2]", () => '{"a":1}', () => "{}", () => "[]"])();
  const ws = (): string => (r() < 0.995 ? "" : pick([" ", "  ", "\t", "\r", " \r "]));
  const ids: string[] = [];
  const out: Buffer[] = [];
  for (let i = 0; i < count; i += 1) {
    const ascii = i < count / 2;
    const id = r() < 0.05 && ids.length > 0 ? pick(ids) : `t-${i}${r() < 0.05 ? "-".repeat(70) : ""}${!ascii && r() < 0.05 ? "é" : ""}`;
    ids.push(id);
    const rec: [string, string][] = [
      ["id", JSON.stringify(id)],
      ["n", String(i)],
      ["x", pick(["1.25", "3", "-0.5"])],
      ["flag", pick(["true", "false"])],
      ["at", JSON.stringify(pick(DATES.slice(0, 2)))],
      ["u", JSON.stringify(`0123abcd-abcd-4ef0-8abc-${String(i).padStart(12, "0")}`)],
      ["code", JSON.stringify(pick(ascii ? ["a", "ab"] : ["a", "é", "😀x", "ab"]))],
      ["level", pick(["1", "2", "3"])],
      ["mixed", pick(['"draft"', "1", "1.0"])],
      ["t", JSON.stringify(pick(ascii ? ["", "abc"] : ["", "abc", "😀😀😀", "é日"]))],
      ["j", pick(['"x"', "1", '{"deep":[1,{"k":"v"}]}', "[]", "null"])],
      ["req", JSON.stringify(ascii ? "words here" : "wörds hère")],
      ["parent", JSON.stringify(r() < 0.5 ? `t-${Math.floor(r() * count * 1.1)}` : id)],
      ["ref", String(Math.floor(r() * 60))],
      ["keyId", JSON.stringify("k1")],
    ];
    const edits = r() < 0.6 ? 0 : 1 + Math.floor(r() * 3);
    for (let e = 0; e < edits; e += 1) {
      const at = Math.floor(r() * rec.length);
      const entry = rec[at];
      if (entry === undefined) continue;
      switch (Math.floor(r() * 12)) {
        case 0:
          rec.splice(at, 1);
          break;
        case 1:
          entry[1] = "null";
          break;
        case 2:
          entry[1] = anyValue(ascii);
          break;
        case 3:
          entry[1] = pick(NUMBERS);
          break;
        case 4:
          entry[1] = str(ascii);
          break;
        case 5:
          rec.push([pick(["id", "n", "extra", "1", "constructor", "__proto__", "Key", "a\\u0062"]), anyValue(ascii)]);
          break;
        case 6:
          entry[1] = JSON.stringify(pick(DATES));
          break;
        case 7:
          entry[1] = JSON.stringify(pick(UUIDS));
          break;
        case 8:
          rec.sort(() => r() - 0.5);
          break;
        case 9:
          entry[1] = `"${pick(NEEDLY)}"`;
          break;
        case 10:
          entry[0] = pick(["ID", "k", "id ", "ïd", "titleK"]);
          break;
        default:
          entry[1] = JSON.stringify(pick(["draft", "published", "A", "ab"]));
      }
    }
    let line = `{${ws()}${rec.map(([k, v]) => `"${k}"${ws()}:${ws()}${v}${ws()}`).join(`,${ws()}`)}}${ws()}`;
    const whole = r();
    if (whole < 0.01) line = pick(["", "   ", "[1]", "null", '"str"', "{", '{"id":"x",}', "{}", '{"id":"x"}{', "\uFEFF{}", '{"id":"x"', " {\"id\":\"sp\",\"req\":\"r\"}"]);
    let bytes = Buffer.from(line);
    if (!ascii && whole > 0.99) bytes = Buffer.concat([bytes.subarray(0, 5), Buffer.from([0xff]), bytes.subarray(5)]);
    out.push(bytes, Buffer.from(r() < 0.1 ? "\r\n" : "\n"));
  }
  return Buffer.concat(out);
}

function others(): string {
  return Array.from({ length: 50 }, (_, k) => JSON.stringify({ k, name: `o${k}` })).join("\n") + "\n";
}

describe("record fast path", () => {
  it("[#16] every fixture gives the same report, byte for byte, with the fast path and without", async () => {
    const names = (await readdir(PACKETS)).filter((n) => /^(FIX\d+|HOSTILE-.*)$/.test(n));
    expect(names.length).toBeGreaterThanOrEqual(12);
    let fastRecords = 0;
    for (const name of names) {
      const r = await both(fixture(name));
      expect(r.fast, name).toBe(r.reference);
      fastRecords += r.fastRecords;
    }
    expect(fastRecords).toBeGreaterThan(0);
  });

  it("[#16] generated packets with every defect kind give the same report, byte for byte, with and without it", async () => {
    for (const seed of [1, 2, 3]) {
      const dir = await tempDir();
      await generatePacket({ dir, seed, targetBytes: 400_000, defects: ALL });
      for (const limits of [undefined, { maxFindingsPerCode: 3 }, { maxKeysPerCollection: 700 }, { maxLineBytes: 320 }]) {
        const r = await both(dir, limits);
        expect(r.fast, `seed ${seed} ${JSON.stringify(limits)}`).toBe(r.reference);
        // Most records are clean: the fast path must have taken them, or this compares nothing.
        // (Past maxLineBytes a record is reported too long, on either path.)
        expect(r.fastRecords).toBeGreaterThan(r.records * (limits?.maxLineBytes === undefined ? 0.85 : 0.4));
      }
    }
  });

  it("[#16] a packet of several reads gives the same report with and without it: lines split across reads, key checks held across a read", async () => {
    const dir = await tempDir();
    // Three 1 MiB reads and then some; every record-level defect names its record in its finding.
    await generatePacket({ dir, seed: 5, targetBytes: 3_500_000, defects: ALL.filter((d) => d.kind !== "sha" && d.kind !== "count") });
    const r = await both(dir);
    expect(r.fast).toBe(r.reference);
    expect(r.fast).toContain("PK_DUPLICATE");
    expect(r.fast).toContain("RELATION_DANGLING");
    expect(r.fastRecords).toBeGreaterThan(r.records * 0.85);
  });

  it("[#04] hostile records (escapes, controls, secrets, odd numbers, duplicates, nesting, bad UTF-8) give the same report with and without it", async () => {
    for (const seed of [11, 12]) {
      const dir = await makePacket(HOSTILE_SCHEMA, { others: others(), things: hostileLines(seed, 4000) });
      for (const limits of [undefined, { maxFindingsPerCode: 4 }, { maxKeysPerCollection: 1500 }]) {
        const r = await both(dir, limits);
        expect(r.fast, `seed ${seed} ${JSON.stringify(limits)}`).toBe(r.reference);
        // Both kinds of line are there in numbers: what the fast path takes and what it leaves.
        expect(r.fastRecords).toBeGreaterThan(r.records * 0.25);
        expect(r.fastRecords).toBeLessThan(r.records * 0.9);
      }
    }
    // Eighteen inspections, a third of them starting a check worker: seconds on a busy machine.
  }, 60_000);

  it("[#16] runs of more lines than one Wasm call answers (thousands of blank lines between records) give the same report", async () => {
    const records = hostileLines(13, 200).toString("latin1").split("\n");
    const things = records.map((l, i) => (i % 20 === 0 ? `${l}\n${"\n".repeat(9000)}` : `${l}\n`)).join("");
    const dir = await makePacket(HOSTILE_SCHEMA, { others: others(), things: Buffer.from(things, "latin1") });
    const r = await both(dir);
    expect(r.fast).toBe(r.reference);
    expect(r.fast).toContain("LINE_EMPTY");
    expect(r.fastRecords).toBeGreaterThan(40);
  });
});
