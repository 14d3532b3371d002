import { describe, it, expect, beforeAll } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { isSandboxRow, loadMatrix, loadSsot, MATRIX_ROW_IDS, rowTags, type AcceptanceMatrix } from "@macro/ssot";

// Binds the acceptance matrix to the code: every row is proved by tests that exist (or,
// for the sandbox rows, by probes the SSOT runs), every tag in a test belongs to a row,
// and every enforcement point names a real file and function.
const REPO = resolve(import.meta.dirname, "../../..");
const SKIP_DIRS = new Set(["node_modules", ".git", "dist", ".turbo", "coverage"]);

function testFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...testFiles(path));
    else if (entry.isFile() && entry.name.endsWith(".test.ts")) found.push(path);
  }
  return found;
}

interface TagSite {
  tag: string;
  where: string;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("acceptance matrix binding", () => {
  let matrix: AcceptanceMatrix;
  let sources: { file: string; text: string }[];
  let sites: TagSite[];
  let probeIds: Set<string>;

  beforeAll(async () => {
    const loaded = await loadMatrix(join(REPO, "fixtures/acceptance-matrix.yaml"));
    if (!loaded.ok) throw new Error(`${loaded.error.message}\n${loaded.error.issues.map((i) => `${i.path}: ${i.message}`).join("\n")}`);
    matrix = loaded.value;
    sources = testFiles(REPO).map((file) => ({ file: relative(REPO, file), text: readFileSync(file, "utf8") }));
    sites = sources.flatMap(({ file, text }) =>
      text.split("\n").flatMap((line, i) => rowTags(line).map((tag) => ({ tag, where: `${file}:${i + 1}` }))),
    );
    const ssot = await loadSsot(join(REPO, "macro.yaml"));
    if (!ssot.ok) throw new Error(ssot.error.message);
    probeIds = new Set(ssot.value.ssot.sandbox.probes.map((p) => p.id));
  });

  it("has exactly the 45 rows, sandbox rows #24–#37 on the attest track", () => {
    expect(matrix.rows.map((r) => r.id)).toEqual(MATRIX_ROW_IDS);
    expect(matrix.rows.filter((r) => r.track === "attest").map((r) => r.id)).toEqual(MATRIX_ROW_IDS.filter(isSandboxRow));
  });

  it("every tag found in a test belongs to a row", () => {
    const rows = new Set(MATRIX_ROW_IDS);
    expect(sites.filter((s) => !rows.has(s.tag)).map((s) => `${s.where}: ${s.tag}`)).toEqual([]);
  });

  it("every test-track row is tagged by at least one test", () => {
    const tagged = new Set(sites.map((s) => s.tag));
    const untagged = matrix.rows.filter((r) => r.track === "test" && !tagged.has(r.id)).map((r) => r.id);
    expect(untagged).toEqual([]);
  });

  it("every test a test-track row names exists by its exact title, carrying the row's tag", () => {
    const missing: string[] = [];
    for (const row of matrix.rows.filter((r) => r.track === "test")) {
      for (const name of row.tests) {
        // The title must start with this row's tag, so a row cannot borrow another row's test,
        // and must be a whole string literal, so a prefix of some other title never counts.
        const own = name.startsWith(`[${row.id}]`);
        const found = sources.some(({ text }) => ['"', "'", "`"].some((q) => text.includes(`${q}${name}${q}`)));
        if (!own || !found) missing.push(`${row.id}: ${JSON.stringify(name)}${own ? " not found in any test" : " does not start with the row's tag"}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("every sandbox row is bound to probes the SSOT runs, and every probe to a row", () => {
    const unknown = matrix.rows
      .filter((r) => r.track === "attest")
      .flatMap((r) => r.tests.filter((t) => !probeIds.has(t)).map((t) => `${r.id}: ${t}`));
    expect(unknown).toEqual([]);
    const bound = new Set(matrix.rows.filter((r) => r.track === "attest").flatMap((r) => r.tests));
    expect([...probeIds].filter((id) => !bound.has(id))).toEqual([]);
  });

  it("every enforcement point names a real file and a function defined in it", () => {
    const broken: string[] = [];
    for (const row of matrix.rows) {
      const { file, function: fn } = row.enforcement;
      const path = join(REPO, file);
      if (!existsSync(path)) {
        broken.push(`${row.id}: ${file} does not exist`);
        continue;
      }
      const defined = new RegExp(`\\b(function\\*?|class|const|let|interface|type)\\s+${escapeRegExp(fn)}\\b`);
      if (!defined.test(readFileSync(path, "utf8"))) broken.push(`${row.id}: ${fn} is not defined in ${file}`);
    }
    expect(broken).toEqual([]);
  });
});
