import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { isSandboxRow, loadMatrix, MATRIX_ROW_IDS, parseMatrix, rowTags, type AcceptanceMatrix } from "./matrix.ts";
import { tempDirSync } from "@macro/test-utils";

const FIXTURE = resolve(import.meta.dirname, "../../../fixtures/acceptance-matrix.yaml");

function validMatrix(): AcceptanceMatrix {
  return {
    version: 1,
    rows: MATRIX_ROW_IDS.map((id) => ({
      id,
      requirement: `requirement ${id}`,
      kind: "negative" as const,
      track: isSandboxRow(id) ? ("attest" as const) : ("test" as const),
      enforcement: { file: "src/x.ts", function: "x" },
      tests: [`[${id}] test`],
    })),
  };
}

const messages = (data: unknown): string[] => {
  const result = parseMatrix(data, "m.yaml");
  return result.ok ? [] : result.error.issues.map((i) => `${i.path}: ${i.message}`);
};

describe("acceptance matrix schema", () => {
  it("accepts exactly #01..#45 with sandbox rows #24–#37 on attest", () => {
    expect(parseMatrix(validMatrix(), "m.yaml").ok).toBe(true);
    expect(MATRIX_ROW_IDS).toHaveLength(45);
    expect(MATRIX_ROW_IDS.filter(isSandboxRow)).toEqual(MATRIX_ROW_IDS.slice(23, 37));
  });

  it("refuses a missing row, naming it", () => {
    const m = validMatrix();
    m.rows.splice(6, 1);
    expect(messages(m)).toEqual(["rows: missing rows: #07"]);
  });

  it("refuses a duplicate row even when the set of ids is complete", () => {
    const m = validMatrix();
    const copy = m.rows[0];
    if (copy === undefined) throw new Error("fixture has rows");
    m.rows.push({ ...copy });
    expect(messages(m)).toEqual(["rows[45].id: duplicate row #01 (first at rows[0])"]);
  });

  it("refuses a row outside #01..#45 and a malformed id", () => {
    const m = validMatrix();
    m.rows.push({ ...m.rows[0]!, id: "#46" });
    expect(messages(m)).toContain("rows[45].id: #46 is not a row of the matrix (#01..#45)");
    const bad = validMatrix();
    bad.rows[0] = { ...bad.rows[0]!, id: "1" };
    expect(messages(bad).some((line) => line.startsWith("rows[0].id:"))).toBe(true);
  });

  it("refuses a sandbox row on the test track and a test row on attest", () => {
    const m = validMatrix();
    m.rows[23] = { ...m.rows[23]!, track: "test" };
    m.rows[0] = { ...m.rows[0]!, track: "attest" };
    expect(messages(m)).toEqual([
      'rows[0].track: row #01 belongs to track "test", not "attest"',
      'rows[23].track: row #24 belongs to track "attest", not "test"',
    ]);
  });

  it("refuses a row without tests, a repeated test and an unknown key", () => {
    const m = validMatrix();
    m.rows[2] = { ...m.rows[2]!, tests: [] };
    expect(messages(m)).toEqual(["rows[2].tests: a row without a test proves nothing"]);
    const twice = validMatrix();
    twice.rows[1] = { ...twice.rows[1]!, tests: ["a", "a"] };
    expect(messages(twice)).toEqual(['rows[1].tests[1]: test "a" is listed twice']);
    const extra = { ...validMatrix(), waived: true };
    expect(messages(extra)).toEqual(["waived: unknown key (the schema is strict)"]);
  });

  it("extracts [#NN] tags from names", () => {
    // Built, not literal: the repository-wide tag scan must not see fake tags in this file.
    const tag = (n: string): string => `[#${n}]`;
    expect(rowTags(`${tag("38")} no attestation ${tag("39")} and ${tag("100")}`)).toEqual(["#38", "#39", "#100"]);
    expect(rowTags("no tag #38")).toEqual([]);
  });
});

describe("loadMatrix", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDirSync("macro-matrix-");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("loads the repository's matrix", async () => {
    const result = await loadMatrix(FIXTURE);
    if (!result.ok) throw new Error(result.error.issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
    expect(result.value.rows.map((r) => r.id)).toEqual(MATRIX_ROW_IDS);
  });

  it("round-trips a valid matrix through YAML", async () => {
    const file = join(dir, "ok.yaml");
    writeFileSync(file, stringify(validMatrix()));
    expect((await loadMatrix(file)).ok).toBe(true);
  });

  it("reports a missing file, a YAML error with its line, and duplicate keys as values", async () => {
    const missing = await loadMatrix(join(dir, "nope.yaml"));
    expect(missing).toMatchObject({ ok: false, error: { code: "MATRIX_NOT_FOUND" } });
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "version: 1\nrows: [\n");
    const yamlError = await loadMatrix(broken);
    expect(yamlError).toMatchObject({ ok: false, error: { code: "MATRIX_YAML", file: broken } });
    const dup = join(dir, "dup.yaml");
    writeFileSync(dup, "version: 1\nversion: 1\nrows: []\n");
    expect(await loadMatrix(dup)).toMatchObject({ ok: false, error: { code: "MATRIX_YAML" } });
  });

  it("refuses an empty matrix file rather than passing on nothing", async () => {
    const empty = join(dir, "empty.yaml");
    writeFileSync(empty, "");
    expect(await loadMatrix(empty)).toMatchObject({ ok: false, error: { code: "MATRIX_INVALID" } });
  });
});
