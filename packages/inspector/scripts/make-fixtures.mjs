#!/usr/bin/env node
// Regenerates fixtures/packets/FIX1..FIX7 and HOSTILE-* from the definitions below.
// Node builtins only, so it runs on plain Node 20 without a build:
//   node packages/inspector/scripts/make-fixtures.mjs
// FIX7's golden report is NOT written here: it is produced by the inspector and reviewed,
// see src/fix7.golden.test.ts (UPDATE_GOLDEN=1).
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../fixtures/packets");
const EXPORTED_AT = "2026-11-01T08:00:00.000Z";
const sha = (buf) => createHash("sha256").update(buf).digest("hex");

const SCHEMA = {
  collections: [
    {
      name: "authors",
      primaryKey: "id",
      fields: [
        { name: "id", type: "integer", required: true },
        { name: "name", type: "string", required: true, maxLength: 40 },
        { name: "email", type: "string", unique: true },
        { name: "role", type: "string", enum: ["editor", "writer"] },
      ],
    },
    {
      name: "articles",
      primaryKey: "id",
      fields: [
        { name: "id", type: "uuid", required: true },
        { name: "title", type: "string", required: true, maxLength: 80 },
        { name: "body", type: "text" },
        { name: "author", type: "integer", required: true },
        { name: "status", type: "string", enum: ["draft", "published"] },
        { name: "views", type: "integer" },
        { name: "published_at", type: "datetime" },
        { name: "meta", type: "json" },
      ],
      relations: [{ field: "author", collection: "authors", key: "id" }],
    },
    {
      name: "comments",
      primaryKey: "id",
      fields: [
        { name: "id", type: "integer", required: true },
        { name: "article", type: "uuid", required: true },
        { name: "text", type: "text", required: true },
      ],
      relations: [{ field: "article", collection: "articles", key: "id" }],
    },
  ],
};

const uuid = (n) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const AUTHORS = [
  { id: 1, name: "Ada Lovelace", email: "ada@example.test", role: "editor" },
  { id: 2, name: "Grace Hopper", email: "grace@example.test", role: "writer" },
  { id: 3, name: "Edsger Dijkstra", email: "edsger@example.test", role: "writer" },
];
const ARTICLES = [
  { id: uuid(1), title: "Notes on the engine", body: "The engine weaves patterns.", author: 1, status: "published", views: 120, published_at: "2026-10-01T10:00:00Z", meta: { tags: ["history"] } },
  { id: uuid(2), title: "Compilers for all", body: "Programs in English words.", author: 2, status: "published", views: 75, published_at: "2026-10-02T11:30:00Z", meta: null },
  { id: uuid(3), title: "Goto considered harmful", body: "Structure your programs.", author: 3, status: "draft", views: 0, meta: { draft: true } },
  { id: uuid(4), title: "Straight-line code", body: "Fewer jumps, more clarity.", author: 3, status: "published", views: 9, published_at: "2026-10-04T09:15:00+02:00" },
];
const COMMENTS = [
  { id: 1, article: uuid(1), text: "Beautiful." },
  { id: 2, article: uuid(2), text: "Readable at last." },
  { id: 3, article: uuid(3), text: "Strong words." },
];

const ndjson = (rows) => rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n";
const cleanData = () => ({ authors: ndjson(AUTHORS), articles: ndjson(ARTICLES), comments: ndjson(COMMENTS) });
const countRecords = (buf) => buf.toString("latin1").split("\n").filter((l) => l.replace(/\r$/, "").trim() !== "").length;

/**
 * Writes one packet. `data` maps collection → string | Buffer; `patch(manifest)` may
 * falsify the manifest afterwards (the injected defect), `schemaText` overrides schema.json.
 */
function writePacket(name, { data = cleanData(), patch = (m) => m, schemaText, links = {} } = {}) {
  const dir = path.join(ROOT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, "data"), { recursive: true });
  const schemaBuf = Buffer.from(schemaText ?? JSON.stringify(SCHEMA, null, 2) + "\n");
  writeFileSync(path.join(dir, "schema.json"), schemaBuf);
  const files = [];
  for (const [collection, content] of Object.entries(data)) {
    const buf = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const rel = `data/${collection}.ndjson`;
    if (links[collection]) symlinkSync(links[collection], path.join(dir, rel));
    else writeFileSync(path.join(dir, rel), buf);
    files.push({ collection, path: rel, sha256: sha(buf), bytes: buf.length, records: countRecords(buf) });
  }
  const manifest = patch({
    format: "kb-packet/v1",
    packetId: name,
    source: { system: "directus", version: "11.2.0" },
    exportedAt: EXPORTED_AT,
    schema: { path: "schema.json", sha256: sha(schemaBuf) },
    files,
  });
  writeFileSync(path.join(dir, "manifest.json"), typeof manifest === "string" ? manifest : JSON.stringify(manifest, null, 2) + "\n");
}

const file = (m, collection) => m.files.find((f) => f.collection === collection);

// FIX1: clean.
writePacket("FIX1");

// FIX2: integrity: authors' sha, articles' bytes, comments' record count are wrong in the manifest.
writePacket("FIX2", {
  patch: (m) => {
    file(m, "authors").sha256 = sha("something else");
    file(m, "articles").bytes += 1;
    file(m, "comments").records += 1;
    return m;
  },
});

// FIX3: schema defects, one per article line 2..7.
{
  const a = ARTICLES.map((r) => ({ ...r }));
  a[1].views = "many"; // RECORD_TYPE views
  delete a[2].title; // RECORD_REQUIRED title
  a[3].status = "archived"; // RECORD_ENUM status
  const extra = [
    { id: uuid(5), title: "x".repeat(81), body: "Too long a title.", author: 1 }, // RECORD_MAXLENGTH title
    { id: uuid(6), title: "Legacy", author: 2, legacy_id: 77 }, // RECORD_UNKNOWN_FIELD legacy_id
    { id: uuid(7), title: "When?", author: 2, published_at: "yesterday" }, // RECORD_TYPE published_at
  ];
  writePacket("FIX3", { data: { ...cleanData(), articles: ndjson([...a, ...extra]) } });
}

// FIX4: keys and relations.
writePacket("FIX4", {
  data: {
    authors: ndjson([...AUTHORS, { id: 2, name: "Grace Again", email: "grace2@example.test", role: "writer" }, { id: 4, name: "Same Mail", email: "ada@example.test" }]), // PK_DUPLICATE line 4, UNIQUE_DUPLICATE line 5
    articles: ndjson([...ARTICLES, { title: "No key", author: 1 }, { id: uuid(9), title: "Orphan", author: 99 }]), // PK_MISSING line 5, RELATION_DANGLING line 6
    comments: ndjson([...COMMENTS, { id: 4, article: uuid(42), text: "Where did it go?" }]), // RELATION_DANGLING line 4
  },
});

// FIX5: encoding: BOM at the start of authors, invalid UTF-8 on articles line 2, an over-long comment line.
{
  const d = cleanData();
  const articleLines = d.articles.split("\n");
  const bad = Buffer.from(articleLines[1]);
  const broken = Buffer.concat([bad.subarray(0, 30), Buffer.from([0xff, 0xfe]), bad.subarray(30)]);
  const articles = Buffer.concat([Buffer.from(articleLines[0] + "\n"), broken, Buffer.from("\n" + articleLines.slice(2).join("\n"))]);
  const long = JSON.stringify({ id: 4, article: uuid(1), text: "a".repeat(1024 * 1024 + 16) });
  writePacket("FIX5", {
    data: {
      authors: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(d.authors)]),
      articles,
      comments: ndjson([...COMMENTS, long]),
    },
  });
}

// FIX6: secret-like values (all fake: AWS's documented example key, placeholder tokens).
writePacket("FIX6", {
  data: {
    ...cleanData(),
    articles: ndjson([
      ...ARTICLES,
      { id: uuid(5), title: "Key dump", author: 1, body: "-----BEGIN RSA PRIVATE KEY-----\nFAKEKEYMATERIALFAKEKEYMATERIAL\n-----END RSA PRIVATE KEY-----" },
      { id: uuid(6), title: "Cloud", author: 1, body: "use AKIAIOSFODNN7EXAMPLE for uploads" },
      { id: uuid(7), title: "Bot", author: 2, meta: { token: "ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE0000" } },
      { id: uuid(8), title: "Chat", author: 2, body: "xoxb-0000000000-FAKEFAKEFAKE" },
      { id: uuid(9), title: "DB", author: 3, body: "postgres://admin:hunter2-FAKE@db.invalid:5432/app" },
    ]),
  },
});

// FIX7: the read/report fixture: defects across every family, golden report in FIX7.expected/.
{
  const d = cleanData();
  const authors = Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]), // ENCODING_BOM (info)
    Buffer.from(ndjson([...AUTHORS, { id: 3, name: "Edsger Twice", email: "e2@example.test", role: "writer" }])), // PK_DUPLICATE line 4
  ]);
  const articleRows = [
    ...ARTICLES,
    { id: uuid(5), title: "Typed wrong", author: 1, views: "12" }, // RECORD_TYPE views, line 5
    { id: uuid(6), title: "Orphan", author: 7, status: "draft" }, // RELATION_DANGLING author, line 6
    { id: uuid(7), title: "Has extra", author: 2, colour: "teal" }, // RECORD_UNKNOWN_FIELD, line 7
    "", // LINE_EMPTY, line 8
    '{"id": "' + uuid(8) + '", "title": "cut off', // RECORD_JSON, line 9
    { id: uuid(10), title: "Creds", author: 3, body: "key AKIAIOSFODNN7EXAMPLE here" }, // SECRET_AWS_KEY, line 10
  ];
  const articlesText = ndjson(articleRows);
  const lines = articlesText.split("\n");
  const bad = Buffer.from(lines[1]);
  lines[1] = null;
  const parts = lines.map((l, i) => (i === 1 ? Buffer.concat([bad.subarray(0, 20), Buffer.from([0xc3, 0x28]), bad.subarray(20)]) : Buffer.from(l))); // ENCODING_UTF8, line 2
  const articles = Buffer.concat(parts.flatMap((p, i) => (i < parts.length - 1 ? [p, Buffer.from("\n")] : [p])));
  writePacket("FIX7", {
    data: { authors, articles, comments: d.comments },
    patch: (m) => {
      file(m, "comments").sha256 = sha("tampered"); // INTEGRITY_SHA256 on comments
      file(m, "comments").records = 4; // INTEGRITY_COUNT on comments
      return m;
    },
  });
}

// Hostile packets: each must be refused before any data is read.
writePacket("HOSTILE-abs-path", { patch: (m) => ((file(m, "articles").path = "/etc/hostname"), m) });
writePacket("HOSTILE-dotdot", { patch: (m) => ((file(m, "articles").path = "data/../../FIX1/data/articles.ndjson"), m) });
writePacket("HOSTILE-symlink", { links: { articles: "/etc/hostname" } });
writePacket("HOSTILE-bad-manifest", { patch: (m) => ((m.files[0].sha256 = "not-a-digest"), m) });
writePacket("HOSTILE-bad-schema", {
  schemaText: JSON.stringify({ collections: [{ name: "authors", primaryKey: "id", fields: [{ name: "id", type: "varchar" }] }] }, null, 2) + "\n",
  data: { authors: ndjson(AUTHORS) },
});

console.log(`fixtures written to ${ROOT}`);
