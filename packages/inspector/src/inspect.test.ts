import { describe, expect, it } from "vitest";
import { brief, fixture, inspectOk, makePacket, NOTES_SCHEMA } from "./test-support.ts";
import { renderReportJson, renderReportMarkdown } from "./render.ts";

describe("inspectPacket on the fixtures", () => {
  it("[#01] a clean packet has verdict clean and no findings", async () => {
    const r = await inspectOk(fixture("FIX1"));
    expect(r.verdict).toBe("clean");
    expect(r.findings).toEqual([]);
    expect(r.statistics.totals).toMatchObject({ collections: 3, records: 10, findings: 0 });
    expect(r.statistics.collections.map((c) => [c.name, c.records])).toEqual([
      ["articles", 4],
      ["authors", 3],
      ["comments", 3],
    ]);
  });

  it("[#02] a data file whose sha256 differs from the manifest is found", async () => {
    const r = await inspectOk(fixture("FIX2"));
    expect(brief(r.findings)).toContain("INTEGRITY_SHA256 authors - -");
    expect(r.verdict).toBe("defects");
  });

  it("[#03] byte and record count mismatches are found", async () => {
    const r = await inspectOk(fixture("FIX2"));
    expect(brief(r.findings).sort()).toEqual(
      ["INTEGRITY_BYTES articles - -", "INTEGRITY_COUNT comments - -", "INTEGRITY_SHA256 authors - -"].sort(),
    );
    expect(r.findings.find((f) => f.code === "INTEGRITY_COUNT")?.message).toContain("3 records, manifest says 4");
  });

  it("[#04] type, required, enum and maxLength violations are found with line and field", async () => {
    const r = await inspectOk(fixture("FIX3"));
    expect(brief(r.findings)).toEqual([
      "RECORD_TYPE articles 2 views",
      "RECORD_REQUIRED articles 3 title",
      "RECORD_ENUM articles 4 status",
      "RECORD_MAXLENGTH articles 5 title",
      "RECORD_UNKNOWN_FIELD articles 6 legacy_id",
      "RECORD_TYPE articles 7 published_at",
    ]);
    expect(r.findings[0]?.recordKey).toBe("00000000-0000-4000-8000-000000000002");
  });

  it("[#05] a field not in the schema is reported as unknown", async () => {
    const r = await inspectOk(fixture("FIX3"));
    const unknown = r.findings.filter((f) => f.code === "RECORD_UNKNOWN_FIELD");
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ collection: "articles", line: 6, field: "legacy_id", severity: "warning" });
  });

  it("[#06] a duplicate primary key, a missing key and a duplicate unique value are found", async () => {
    const r = await inspectOk(fixture("FIX4"));
    expect(brief(r.findings)).toEqual(expect.arrayContaining([
      "PK_DUPLICATE authors 4 id",
      "UNIQUE_DUPLICATE authors 5 email",
      "PK_MISSING articles 5 id",
    ]));
    expect(r.findings.find((f) => f.code === "PK_DUPLICATE")?.recordKey).toBe("2");
  });

  it("[#07] references to records that do not exist are dangling, across and within files", async () => {
    const r = await inspectOk(fixture("FIX4"));
    expect(brief(r.findings.filter((f) => f.code === "RELATION_DANGLING"))).toEqual([
      "RELATION_DANGLING articles 6 author",
      "RELATION_DANGLING comments 4 article",
    ]);
    expect(r.statistics.findingsByCode).toEqual({ PK_DUPLICATE: 1, PK_MISSING: 1, RELATION_DANGLING: 2, UNIQUE_DUPLICATE: 1 });
  });

  it("[#08] an invalid UTF-8 line is reported with its line; a BOM at file start is accepted and noted", async () => {
    const r = await inspectOk(fixture("FIX5"));
    expect(brief(r.findings.filter((f) => f.code !== "LINE_TOO_LONG"))).toEqual([
      "ENCODING_UTF8 articles 2 -",
      "ENCODING_BOM authors 1 -",
      // The unreadable article is not indexed, so the comment pointing at it cannot resolve.
      "RELATION_DANGLING comments 2 article",
    ]);
    expect(r.findings.find((f) => f.code === "ENCODING_BOM")?.severity).toBe("info");
    // The BOM line itself parsed: all three authors counted, no JSON error on line 1.
    expect(r.statistics.collections.find((c) => c.name === "authors")?.records).toBe(3);
  });

  it("[#09] an over-long line is reported and skipped, and still counted as a record", async () => {
    const r = await inspectOk(fixture("FIX5"));
    expect(brief(r.findings.filter((f) => f.code === "LINE_TOO_LONG"))).toEqual(["LINE_TOO_LONG comments 4 -"]);
    expect(r.findings.some((f) => f.code === "INTEGRITY_COUNT")).toBe(false);
    const small = await inspectOk(fixture("FIX1"), { maxLineBytes: 100 });
    expect(small.findings.filter((f) => f.code === "LINE_TOO_LONG").length).toBeGreaterThan(0);
  });

  it("[#10] secrets are flagged by location and their values never appear in JSON or Markdown", async () => {
    const r = await inspectOk(fixture("FIX6"));
    expect(brief(r.findings)).toEqual([
      "SECRET_PRIVATE_KEY articles 5 body",
      "SECRET_AWS_KEY articles 6 body",
      "SECRET_TOKEN articles 7 meta",
      "SECRET_TOKEN articles 8 body",
      "SECRET_URL_PASSWORD articles 9 body",
    ]);
    const out = renderReportJson(r) + renderReportMarkdown(r);
    for (const secret of [
      "FAKEKEYMATERIAL",
      "AKIAIOSFODNN7EXAMPLE",
      "ghp_FAKE",
      "xoxb-0000000000",
      "hunter2",
      "admin:",
    ]) {
      expect(out).not.toContain(secret);
    }
  });
});

describe("secrets outside well-formed values", () => {
  const AWS = "AKIAIOSFODNN7EXAMPLE";
  it("[#10] a secret in an unparsable or undecodable line, a JSON key or a primary key is flagged and never echoed", async () => {
    const lines = [
      JSON.stringify({ id: "n1", text: "fine" }),
      `{"id": "n2", "text": "${AWS}`, // not JSON
      Buffer.concat([Buffer.from(`{"id":"n3","text":"\xff ${AWS}"}`, "latin1")]).toString("latin1"),
      JSON.stringify({ id: "n4", data: { [AWS]: 1 } }),
      JSON.stringify({ id: AWS, text: "key is a secret" }),
    ];
    const dir = await makePacket(NOTES_SCHEMA, { notes: Buffer.from(`${lines.join("\n")}\n`, "latin1") });
    const r = await inspectOk(dir);
    expect(brief(r.findings)).toEqual([
      "RECORD_JSON notes 2 -",
      "SECRET_AWS_KEY notes 2 -",
      "ENCODING_UTF8 notes 3 -",
      "SECRET_AWS_KEY notes 3 -",
      "SECRET_AWS_KEY notes 4 data",
      "SECRET_AWS_KEY notes 5 id",
    ]);
    expect(r.findings.at(-1)?.recordKey).toBe("[redacted: secret-like]");
    expect(renderReportJson(r) + renderReportMarkdown(r)).not.toContain(AWS);
  });

  it("[#05] an unknown field whose name is a secret is reported without the name", async () => {
    const dir = await makePacket(NOTES_SCHEMA, { notes: `${JSON.stringify({ id: "n1", [AWS]: true })}\n` });
    const r = await inspectOk(dir);
    expect(brief(r.findings)).toEqual(["RECORD_UNKNOWN_FIELD notes 1 [redacted: secret-like]", "SECRET_AWS_KEY notes 1 [redacted: secret-like]"]);
    expect(renderReportJson(r)).not.toContain(AWS);
  });
});

describe("relations read in any order", () => {
  const TREE = {
    collections: [
      {
        name: "nodes",
        primaryKey: "id",
        fields: [
          { name: "id", type: "integer", required: true },
          { name: "parent", type: "integer" },
          { name: "owner", type: "string" },
        ],
        relations: [
          { field: "parent", collection: "nodes", key: "id" },
          { field: "owner", collection: "users", key: "login" },
        ],
      },
      {
        name: "users",
        primaryKey: "login",
        fields: [
          { name: "login", type: "string", required: true },
          { name: "home", type: "integer" },
        ],
        relations: [{ field: "home", collection: "nodes", key: "id" }],
      },
    ],
  };

  it("[#07] self-references (forward and backward) and cyclic relations resolve after all files are read", async () => {
    const nodes = [
      { id: 1, parent: 3, owner: "ada" }, // forward reference in the same file
      { id: 2, parent: 1, owner: "bob" }, // owner missing
      { id: 3, parent: 9 }, // parent missing
    ];
    const users = [
      { login: "ada", home: 2 },
      { login: "eve", home: 7 }, // home missing
    ];
    const dir = await makePacket(TREE, {
      nodes: `${nodes.map((n) => JSON.stringify(n)).join("\n")}\n`,
      users: `${users.map((n) => JSON.stringify(n)).join("\n")}\n`,
    });
    const r = await inspectOk(dir);
    expect(brief(r.findings)).toEqual([
      "RELATION_DANGLING nodes 2 owner",
      "RELATION_DANGLING nodes 3 parent",
      "RELATION_DANGLING users 2 home",
    ]);
    expect(r.findings.map((f) => f.recordKey)).toEqual(["2", "3", "eve"]);
  });
});

describe("field names that are also Object.prototype members", () => {
  it("[#04] a missing field called constructor is missing, not a function", async () => {
    const schema = {
      collections: [
        {
          name: "things",
          primaryKey: "toString",
          fields: [
            { name: "toString", type: "string", required: true },
            { name: "constructor", type: "string", required: true },
          ],
        },
      ],
    };
    const dir = await makePacket(schema, { things: `${JSON.stringify({ toString: "a", constructor: "x" })}\n${JSON.stringify({})}\n` });
    const r = await inspectOk(dir);
    expect(brief(r.findings)).toEqual(["PK_MISSING things 2 toString", "RECORD_REQUIRED things 2 constructor"]);
  });
});
