// Issue 15, item 5: every way a packet can hide data from the checks is a finding (or a named
// refusal), never "clean". One test per way of hiding.
import { execFileSync } from "node:child_process";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { appendFile, link, mkdir, readFile, rm, symlink, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { inspectPacket, inspectPacketUsing } from "./inspect.ts";
import { preflight } from "./preflight.ts";
import { unlistedFindings } from "./unlisted.ts";
import { brief, inspectOk, makePacket, NOTES_SCHEMA, sha256 } from "./test-support.ts";

const AWS = "AKIAABCDEFGHIJKLMNOP";

/** `makePacket`, its temp dir removed when the test ends, pass or fail. */
async function packet(schema: unknown, data: Record<string, Buffer | string>): Promise<string> {
  const dir = await makePacket(schema, data);
  onTestFinished(() => rm(path.dirname(dir), { recursive: true, force: true }));
  return dir;
}

/** Every entry under `dir` with its type, mode and (regular files) content digest, links not followed: to show nothing changed. */
function treeDigest(dir: string): string {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(dir, rel);
    const st = lstatSync(abs);
    out.push(`${rel} ${st.mode.toString(8)} ${st.isFile() ? sha256(readFileSync(abs)) : st.isSymbolicLink() ? readlinkSync(abs) : ""}`);
    if (st.isDirectory()) for (const name of readdirSync(abs).sort()) walk(path.join(rel, name));
  };
  walk(".");
  return out.join("\n");
}

const codes = (findings: { code: string }[]): string[] => [...new Set(findings.map((f) => f.code))].sort();

/** A schema whose clean records the record fast path takes. */
const FLAT = {
  collections: [
    {
      name: "items",
      primaryKey: "id",
      fields: [
        { name: "id", type: "integer", required: true },
        { name: "body", type: "string" },
        { name: "x", type: "number" },
        { name: "ref", type: "integer" },
        { name: "data", type: "json" },
      ],
      relations: [{ field: "ref", collection: "items", key: "id" }],
    },
  ],
};
const clean = (from: number, n: number): string => Array.from({ length: n }, (_, i) => `{"id":${from + i},"body":"b","x":1.5}\n`).join("");

describe("repeated keys", () => {
  it("a secret behind a repeated key is found, and the repetition is a finding", async () => {
    const dir = await packet(FLAT, { items: `${clean(1, 3)}{"id":9,"body":"${AWS}","body":"clean"}\n` });
    const r = await inspectOk(dir);
    expect(brief(r.findings)).toEqual(["RECORD_DUPLICATE_KEY items 4 body", "SECRET_AWS_KEY items 4 body"]);
    expect(r.verdict).toBe("defects");
  });

  it("a repeated key the record fast path would otherwise take goes to the full path", async () => {
    const mode = { fastPath: true, fastRecords: 0 };
    const dir = await packet(FLAT, { items: `${clean(1, 50)}{"id":99,"x":1,"x":2}\n{"id":98,"body":"a","bo\\u0064y":"b"}\n${clean(100, 50)}` });
    const r = await inspectPacketUsing({ packetDir: dir }, mode);
    if (!r.ok) throw r.error;
    expect(brief(r.value.findings)).toEqual(["RECORD_DUPLICATE_KEY items 51 x", "RECORD_DUPLICATE_KEY items 52 body"]);
    expect(mode.fastRecords).toBe(100);
  });

  it("keys equal once Unicode-normalised, and repeated keys deep inside a value, are findings too", async () => {
    const dir = await packet(FLAT, {
      items: `{"id":1,"data":{"caf\u00e9":1,"cafe\u0301":"${AWS}"}}\n{"id":2,"data":[{"a":1},{"a":1,"a":2}]}\n`,
    });
    const r = await inspectOk(dir);
    expect(brief(r.findings)).toEqual(["RECORD_DUPLICATE_KEY items 1 data", "SECRET_AWS_KEY items 1 data", "RECORD_DUPLICATE_KEY items 2 data"]);
    expect(r.findings[0]?.message).toContain("NFC");
    expect(r.findings[2]?.message).toContain("data[1].a");
  });

  it("repeated keys in the manifest and in schema.json are findings, and their strings are scanned", async () => {
    const dir = await packet(NOTES_SCHEMA, { notes: `{"id":"a"}\n` });
    const schema = path.join(dir, "schema.json");
    const schemaText = (await readFile(schema, "utf8")).replace(`"primaryKey":"id"`, `"primaryKey":"text","primaryKey":"id"`);
    await writeFile(schema, schemaText);
    const manifest = path.join(dir, "manifest.json");
    const m = (await readFile(manifest, "utf8"))
      .replace(`"packetId":"test"`, `"packetId":"${AWS}","packetId":"test"`)
      .replace(/("schema":\{"path":"schema.json","sha256":")[0-9a-f]{64}/, `$1${sha256(schemaText)}`);
    await writeFile(manifest, m);
    const r = await inspectOk(dir);
    expect(brief(r.findings).sort()).toEqual(
      ["PACKET_DUPLICATE_KEY - - manifest.json packetId", "PACKET_DUPLICATE_KEY - - schema.json collections[0].primaryKey", "SECRET_AWS_KEY - - manifest.json"].sort(),
    );
  });
});

describe("depth", () => {
  it("a secret nested 40 levels deep, and 10 000 levels deep, is found", async () => {
    const nest = (d: number): string => `${'{"a":'.repeat(d)}"${AWS}"${"}".repeat(d)}`;
    const dir = await packet(FLAT, { items: `{"id":1,"data":${nest(40)}}\n{"id":2,"data":${nest(10_000)}}\n{"id":3,"data":[[[[["${AWS}"]]]]]}\n` });
    const r = await inspectOk(dir);
    expect(brief(r.findings)).toEqual(["SECRET_AWS_KEY items 1 data", "SECRET_AWS_KEY items 2 data", "SECRET_AWS_KEY items 3 data"]);
  });

  it("nesting as deep as a line can hold does not overflow the stack", async () => {
    const d = 400_000;
    const dir = await packet(FLAT, { items: `{"id":1,"data":${"[".repeat(d)}"${AWS}"${"]".repeat(d)}}\n{"id":2}\n` });
    const r = await inspectOk(dir);
    expect(brief(r.findings)).toEqual(["SECRET_AWS_KEY items 1 data"]);
    expect(r.statistics.totals.records).toBe(2);
  });

  it("a record that is not an object is still scanned", async () => {
    const dir = await packet(FLAT, { items: `["${AWS}"]\n"${AWS}"\n` });
    const r = await inspectOk(dir);
    expect(brief(r.findings)).toEqual(["RECORD_TYPE items 1 -", "SECRET_AWS_KEY items 1 -", "RECORD_TYPE items 2 -", "SECRET_AWS_KEY items 2 -"]);
  });
});

describe("files the manifest does not list", () => {
  it("an unlisted data file is a finding and is scanned for secrets", async () => {
    const dir = await packet(NOTES_SCHEMA, { notes: `{"id":"a"}\n` });
    await writeFile(path.join(dir, "data", "extra.ndjson"), `{"id":"b","text":"${AWS}"}\n`);
    const r = await inspectOk(dir);
    expect(brief(r.findings)).toEqual(["PACKET_UNLISTED_FILE - - data/extra.ndjson", "SECRET_AWS_KEY - - data/extra.ndjson"]);
    expect(r.verdict).toBe("defects");
  });

  it("files in subdirectories, names differing in case, hidden names, names that are not UTF-8: each a finding", async () => {
    const dir = await packet(NOTES_SCHEMA, { notes: `{"id":"a"}\n` });
    await mkdir(path.join(dir, "data", "sub", "deeper"), { recursive: true });
    await writeFile(path.join(dir, "data", "sub", "deeper", "x.ndjson"), `${"x".repeat(3 * 1024 * 1024 - 5)}${AWS}`);
    await writeFile(path.join(dir, "data", "Notes.ndjson"), "{}");
    await writeFile(path.join(dir, ".hidden"), "");
    await writeFile(Buffer.concat([Buffer.from(path.join(dir, "data")), Buffer.from("/bad\xff\n.ndjson", "latin1")]), "");
    const r = await inspectOk(dir);
    expect(brief(r.findings).sort()).toEqual(
      [
        "PACKET_UNLISTED_FILE - - .hidden",
        "PACKET_UNLISTED_FILE - - data/Notes.ndjson",
        "PACKET_UNLISTED_FILE - - data/bad\ufffd?.ndjson",
        "PACKET_UNLISTED_FILE - - data/sub/deeper/x.ndjson",
        // Past the first 1 MiB read, across a read boundary.
        "SECRET_AWS_KEY - - data/sub/deeper/x.ndjson",
      ].sort(),
    );
  });

  it("links and special files in the packet are findings, never followed or opened", async () => {
    const dir = await packet(NOTES_SCHEMA, { notes: `{"id":"a"}\n` });
    const outside = path.join(path.dirname(dir), "outside.ndjson");
    await writeFile(outside, `{"text":"${AWS}"}`);
    await symlink(outside, path.join(dir, "data", "linked.ndjson"));
    await symlink(path.dirname(dir), path.join(dir, "loop"));
    execFileSync("mkfifo", [path.join(dir, "data", "fifo.ndjson")]);
    // A hard link to a file outside: the bytes are in the packet, so they are scanned.
    await link(outside, path.join(dir, "hard.ndjson"));
    const before = treeDigest(path.dirname(dir));
    const r = await inspectOk(dir);
    expect(treeDigest(path.dirname(dir)), "the packet and what lies beside it are unchanged").toBe(before);
    expect(brief(r.findings).sort()).toEqual(
      [
        "PACKET_UNLISTED_FILE - - data/fifo.ndjson",
        "PACKET_UNLISTED_FILE - - data/linked.ndjson",
        "PACKET_UNLISTED_FILE - - hard.ndjson",
        "PACKET_UNLISTED_FILE - - loop",
        "SECRET_AWS_KEY - - hard.ndjson",
      ].sort(),
    );
  });
});

describe("unlisted files too large to scan", () => {
  it("past the scan budget an unlisted file is reported as not fully scanned, never passed as clean", async () => {
    const dir = await packet(NOTES_SCHEMA, { notes: `{"id":"a"}\n` });
    // Sparse: eight MiB that cost nothing to make, a secret at the end.
    const big = path.join(dir, "big.bin");
    await writeFile(big, "");
    await truncate(big, 8 * 1024 * 1024);
    await appendFile(big, AWS);
    const planned = preflight(dir);
    if (!planned.ok) throw planned.error;
    const within: string[] = [];
    unlistedFindings(planned.value, (f) => within.push(`${f.code} ${f.message}`), 16 * 1024 * 1024);
    expect(within.map((f) => f.split(" ")[0])).toEqual(["PACKET_UNLISTED_FILE", "SECRET_AWS_KEY"]);
    const past: string[] = [];
    unlistedFindings(planned.value, (f) => past.push(`${f.code} ${f.message}`), 4 * 1024 * 1024);
    expect(past).toEqual([
      "PACKET_UNLISTED_FILE file in the packet not listed in the manifest (scanned for secrets only)",
      `PACKET_UNLISTED_FILE not scanned past ${4 * 1024 * 1024} bytes of unlisted files: the rest is not checked`,
    ]);
  });
});

describe("names", () => {
  it("collection names that differ only in case are a finding: one file where the case is ignored", async () => {
    const schema = { collections: ["notes", "Notes"].map((name) => ({ name, primaryKey: "id", fields: [{ name: "id", type: "integer" }] })) };
    const dir = await packet(schema, { notes: '{"id":1}\n', Notes: '{"id":1}\n' });
    const r = await inspectOk(dir);
    expect(brief(r.findings)).toEqual(["PACKET_NAME_COLLISION - - manifest.json files[1].collection"]);
  });
});

describe("numbers", () => {
  it("numbers no double holds are findings wherever they are", async () => {
    const dir = await packet(FLAT, {
      items: `{"id":1,"x":1e400}\n{"id":2,"x":-1e400}\n{"id":3,"x":1e-400}\n{"id":4,"data":{"deep":[1E+999]}}\n{"id":5,"x":0e999,"data":1e308}\n`,
    });
    const r = await inspectOk(dir);
    expect(brief(r.findings)).toEqual(["RECORD_NUMBER_RANGE items 1 x", "RECORD_NUMBER_RANGE items 2 x", "RECORD_NUMBER_RANGE items 3 x", "RECORD_NUMBER_RANGE items 4 data"]);
    expect(r.findings[0]?.message).toContain("Infinity");
  });

  it("integers outside 64 bits, or that only round to an integer, are findings in an integer field", async () => {
    const dir = await packet(FLAT, {
      items: `{"id":1,"ref":9223372036854775807}\n{"id":2,"ref":9223372036854775808}\n{"id":-9223372036854775808}\n{"id":4,"ref":0.99999999999999999}\n{"id":5,"ref":1e19}\n`,
    });
    const r = await inspectOk(dir);
    const range = brief(r.findings).filter((f) => f.startsWith("RECORD_NUMBER_RANGE"));
    expect(range).toEqual(["RECORD_NUMBER_RANGE items 2 ref", "RECORD_NUMBER_RANGE items 4 ref", "RECORD_NUMBER_RANGE items 5 ref"]);
  });

  it("big integer keys are compared exactly: 2^64 and 2^64 + 1 are two keys, and a real duplicate is named as written", async () => {
    const dir = await packet(
      { collections: [{ name: "items", primaryKey: "id", fields: [{ name: "id", type: "number", required: true }, { name: "ref", type: "number" }], relations: [{ field: "ref", collection: "items", key: "id" }] }] },
      {
        items: [
          `{"id":18446744073709551616}`,
          `{"id":18446744073709551617}`,
          `{"id":9007199254740993,"ref":18446744073709551617}`,
          `{"id":1,"ref":9007199254740992}`,
          `{"id":18446744073709551617.0e0}`,
          `{"id":1.8446744073709551616e19}`,
          "",
        ].join("\n"),
      },
    );
    const r = await inspectOk(dir);
    expect(r.findings.map((f) => [f.code, f.line, f.recordKey])).toEqual([
      ["RELATION_DANGLING", 4, "1"],
      ["PK_DUPLICATE", 5, "18446744073709551617.0e0"],
      ["PK_DUPLICATE", 6, "1.8446744073709551616e19"],
    ]);
  });
});

describe("bytes around the JSON", () => {
  it("__proto__, NUL and escaped keys hide nothing", async () => {
    const dir = await packet(FLAT, { items: `{"id":1,"__proto__":{"x":"${AWS}"}}\n{"id":2,"b\\u0000ody":"${AWS}"}\n{"id":3,"body":"\u0000${AWS}"}\n` });
    const r = await inspectOk(dir);
    expect(codes(r.findings)).toEqual(["RECORD_JSON", "RECORD_UNKNOWN_FIELD", "SECRET_AWS_KEY"]);
    expect(r.findings.filter((f) => f.code === "SECRET_AWS_KEY").map((f) => f.line)).toEqual([1, 2, 3]);
  });

  it("control and bidi-override characters in keys cannot rewrite the report", async () => {
    const dir = await packet(FLAT, { items: `{"id":1,"\\u001b[2Jx\\u202etxt.exe":1}\n` });
    const r = await inspectOk(dir);
    expect(brief(r.findings)).toEqual(["RECORD_UNKNOWN_FIELD items 1 ?[2Jx?txt.exe"]);
  });

  it("CRLF, a byte order mark past line 1 and keys that are not UTF-8 still have their secrets found", async () => {
    const bad = Buffer.concat([Buffer.from(`{"id":3,"`), Buffer.from([0xff, 0xfe]), Buffer.from(`":"${AWS}"}\n`)]);
    const dir = await packet(FLAT, { items: Buffer.concat([Buffer.from(`{"id":1,"body":"${AWS}"}\r\n\ufeff{"id":2,"body":"${AWS}"}\r\n`), bad]) });
    const r = await inspectOk(dir);
    expect(brief(r.findings)).toEqual(["SECRET_AWS_KEY items 1 body", "RECORD_JSON items 2 -", "SECRET_AWS_KEY items 2 -", "ENCODING_UTF8 items 3 -", "SECRET_AWS_KEY items 3 -"]);
  });

  it("a line past the length limit is an error finding, never clean", async () => {
    const dir = await packet(FLAT, { items: `{"id":1,"body":"${"a".repeat(2000)}${AWS}"}\n` });
    const r = await inspectOk(dir, { maxLineBytes: 1000 });
    expect(brief(r.findings)).toEqual(["LINE_TOO_LONG items 1 -"]);
    expect(r.verdict).toBe("defects");
  });
});

describe("shapes too large for the memory", () => {
  it("more collections than fit are refused before anything is read, the count named", async () => {
    const many = Array.from({ length: 1001 }, (_, i) => ({ name: `c${i}`, primaryKey: "id", fields: [{ name: "id", type: "integer" }] }));
    const dir = await packet({ collections: many }, Object.fromEntries(many.map((c) => [c.name, ""])));
    const r = await inspectPacket({ packetDir: dir });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect([r.error.code, r.error.packetFile, r.error.field, r.error.exitCode]).toEqual(["PACKET_MANIFEST", "manifest.json", "files", 2]);
    expect(r.error.message).toContain("1001 data files; at most 1000");
  });

  it("more key fields in a collection than fit are refused, the collection named", async () => {
    const fields = [{ name: "id", type: "integer" }, ...Array.from({ length: 64 }, (_, i) => ({ name: `u${i}`, type: "integer", unique: true }))];
    const dir = await packet({ collections: [{ name: "wide", primaryKey: "id", fields }] }, { wide: "" });
    const r = await inspectPacket({ packetDir: dir });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect([r.error.code, r.error.field]).toEqual(["PACKET_SCHEMA", "collections[0]"]);
    expect(r.error.message).toContain("65 key fields");
  });

  it("the key index of the whole packet is bounded, not only each collection's: past it, KEY_INDEX_LIMIT, never a pass", async () => {
    const schema = { collections: ["a", "b", "c"].map((name) => ({ name, primaryKey: "id", fields: [{ name: "id", type: "integer" }] })) };
    const ids = '{"id":1}\n{"id":2}\n{"id":3}\n{"id":4}\n';
    const dir = await packet(schema, { a: ids, b: ids, c: ids });
    const r = await inspectOk(dir, { maxKeysPerPacket: 6 });
    expect(brief(r.findings)).toEqual(["KEY_INDEX_LIMIT b 3 -", "KEY_INDEX_LIMIT c 1 -"]);
    expect(r.verdict).toBe("defects");
    expect((await inspectOk(dir, { maxKeysPerPacket: 12 })).verdict).toBe("clean");
  });
});
