import { describe, it, expect } from "vitest";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GENESIS_HASH, appendLedger, entryHash, readLedger, verifyLedger, verifyLedgerText, type LedgerAppend } from "./ledger.ts";
import { canonicalJson, sha256Hex } from "./hash.ts";
import { tempDir } from "@macro/test-utils";

async function ledgerPath() {
  const dir = await tempDir("macro-report-ledger-");
  return { dir, path: join(dir, "reports", "ledger.ndjson") };
}

const entry = (n: number): LedgerAppend => ({
  at: `2026-06-10T09:00:0${n}.000Z`,
  runId: `run-${n}`,
  status: n % 2 === 0 ? "closed" : "blocked",
  recordSha256: sha256Hex(`record ${n}`),
});

async function ledgerWith(n: number) {
  const l = await ledgerPath();
  for (let i = 1; i <= n; i++) await appendLedger(l.path, entry(i));
  const lines = (await readFile(l.path, "utf8")).slice(0, -1).split("\n");
  return { ...l, lines };
}

const problem = (text: string) => {
  const r = verifyLedgerText(text);
  return r.ok ? null : r.error;
};

describe("appendLedger", () => {
  it("chains entries from the genesis hash, each hash over the canonical entry without hash", async () => {
    const { path } = await ledgerPath();
    const first = await appendLedger(path, entry(1));
    const second = await appendLedger(path, entry(2));
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, runId: "run-1", status: "blocked" });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    const { hash, ...rest } = second;
    expect(hash).toBe(sha256Hex(canonicalJson({ ...rest })));
    expect(entryHash(rest)).toBe(hash);
    expect(verifyLedger(path)).toEqual({ ok: true, value: { entries: 2, headHash: second.hash } });
  });

  it("reads back the verified entries, oldest first, and nothing from a broken ledger", async () => {
    const { path, lines } = await ledgerWith(3);
    const read = readLedger(path);
    expect(read.ok && read.value.entries.map((e) => e.runId)).toEqual(["run-1", "run-2", "run-3"]);
    await writeFile(path, `${[lines[0], lines[2]].join("\n")}\n`);
    expect(readLedger(path)).toMatchObject({ ok: false, error: { code: "SEQ_GAP" } });
  });

  it("serialises concurrent appends: every entry lands once, in one unbroken chain, lock released", async () => {
    const { dir, path } = await ledgerPath();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => appendLedger(path, entry(i + 1))));
    expect(results.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(verifyLedger(path)).toMatchObject({ ok: true, value: { entries: 12 } });
    expect((await readdir(join(dir, "reports"))).sort()).toEqual(["ledger.ndjson", "ledger.ndjson.verified"]);
  });

  it("refuses to extend a broken chain and leaves it as it was", async () => {
    const { path, lines } = await ledgerWith(2);
    const edited = `${lines[0]?.replace("run-1", "run-X")}\n${lines[1]}\n`;
    await writeFile(path, edited);
    await expect(appendLedger(path, entry(3))).rejects.toMatchObject({ code: "LEDGER_INVALID" });
    expect(await readFile(path, "utf8")).toBe(edited);
  });

  it("rejects an entry that is not well formed before touching the ledger", async () => {
    const { path } = await ledgerPath();
    await expect(appendLedger(path, { ...entry(1), recordSha256: "not-a-digest" })).rejects.toThrow();
    expect(verifyLedger(path)).toMatchObject({ ok: false, error: { code: "LEDGER_MISSING" } });
  });
});

describe("appendLedger checks only what follows the verified prefix", () => {
  const record = async (path: string) => JSON.parse(await readFile(`${path}.verified`, "utf8")) as { bytes: number; sha256: string; entries: number; headHash: string };

  it("records the verified bytes, their digest and the head after every append", async () => {
    const { path } = await ledgerWith(3);
    const bytes = await readFile(path);
    const head = verifyLedger(path);
    expect(await record(path)).toEqual({ schema: "macro/ledger-verified/v1", bytes: bytes.byteLength, sha256: sha256Hex(bytes), entries: 3, headHash: head.ok ? head.value.headHash : "" });
  });

  it("still refuses an edit inside the verified part: the digest no longer matches, so every line is checked", async () => {
    const { path, lines } = await ledgerWith(3);
    const edited = `${[lines[0]?.replace("run-1", "run-X"), lines[1], lines[2]].join("\n")}\n`;
    await writeFile(path, edited);
    await expect(appendLedger(path, entry(4))).rejects.toMatchObject({ code: "LEDGER_INVALID", message: expect.stringContaining(":1: HASH_MISMATCH") });
    expect(await readFile(path, "utf8")).toBe(edited);
  });

  it("checks lines added after the verified part, with their true line numbers", async () => {
    const { path, lines } = await ledgerWith(2);
    await writeFile(path, `${lines.join("\n")}\nnot json\n`);
    await expect(appendLedger(path, entry(3))).rejects.toMatchObject({ message: expect.stringContaining(":3: NOT_JSON") });
  });

  it("does not trust a record whose head is not the last verified line, nor a record that is not one", async () => {
    const { path } = await ledgerWith(2);
    const r = await record(path);
    await writeFile(`${path}.verified`, JSON.stringify({ ...r, headHash: sha256Hex("fake head") }));
    const third = await appendLedger(path, entry(3));
    expect(verifyLedger(path)).toEqual({ ok: true, value: { entries: 3, headHash: third.hash } });
    await writeFile(`${path}.verified`, "garbage");
    await appendLedger(path, entry(4));
    expect(verifyLedger(path)).toMatchObject({ ok: true, value: { entries: 4 } });
  });

  it("a record rewritten to match an edited ledger is believed on append (it adds no trust); verifyLedger still finds the edit", async () => {
    const { path, lines } = await ledgerWith(3);
    const edited = Buffer.from(`${[lines[0]?.replace("run-1", "run-X"), lines[1], lines[2]].join("\n")}\n`);
    await writeFile(path, edited);
    await writeFile(`${path}.verified`, JSON.stringify({ ...(await record(path)), bytes: edited.byteLength, sha256: sha256Hex(edited) }));
    await appendLedger(path, entry(4));
    expect(verifyLedger(path)).toMatchObject({ ok: false, error: { line: 1, code: "HASH_MISMATCH" } });
  });
});

describe("verifyLedger detects tampering", () => {
  it("accepts an empty ledger as zero entries and reports a missing one", async () => {
    expect(verifyLedgerText("")).toEqual({ ok: true, value: { entries: 0, headHash: GENESIS_HASH } });
    const { path } = await ledgerPath();
    expect(verifyLedger(path)).toMatchObject({ ok: false, error: { line: 0, code: "LEDGER_MISSING" } });
  });

  it("detects an edited line", async () => {
    const { lines } = await ledgerWith(3);
    const edited = lines.map((l, i) => (i === 1 ? l.replace('"status":"closed"', '"status":"blocked"') : l));
    expect(problem(`${edited.join("\n")}\n`)).toMatchObject({ line: 2, code: "HASH_MISMATCH" });
  });

  it("detects an edited line whose hash was recomputed (the next line's prevHash breaks)", async () => {
    const { lines } = await ledgerWith(3);
    const e = JSON.parse(lines[1] ?? "") as { seq: number; at: string; runId: string; status: "closed"; recordSha256: string; prevHash: string };
    const forged = { ...e, recordSha256: sha256Hex("forged") };
    const { hash: _old, ...body } = forged as typeof forged & { hash: string };
    const line = canonicalJson({ ...body, hash: entryHash(body) });
    expect(problem(`${[lines[0], line, lines[2]].join("\n")}\n`)).toMatchObject({ line: 3, code: "CHAIN_BROKEN" });
  });

  it("detects a dropped line", async () => {
    const { lines } = await ledgerWith(3);
    expect(problem(`${[lines[0], lines[2]].join("\n")}\n`)).toMatchObject({ line: 2, code: "SEQ_GAP" });
  });

  it("detects reordered lines", async () => {
    const { lines } = await ledgerWith(3);
    expect(problem(`${[lines[0], lines[2], lines[1]].join("\n")}\n`)).toMatchObject({ line: 2 });
    expect(problem(`${[lines[1], lines[0], lines[2]].join("\n")}\n`)).toMatchObject({ line: 1 });
  });

  it("detects a reformatted line, a torn last line and garbage", async () => {
    const { lines } = await ledgerWith(2);
    const pretty = JSON.stringify(JSON.parse(lines[0] ?? ""), null, 1).replace(/\n/g, "");
    expect(problem(`${pretty}\n${lines[1]}\n`)).toMatchObject({ line: 1, code: "NOT_CANONICAL" });
    expect(problem(`${lines[0]}\n${lines[1]}`)).toMatchObject({ line: 2, code: "TRUNCATED" });
    expect(problem(`${lines[0]}\nnot json\n`)).toMatchObject({ line: 2, code: "NOT_JSON" });
    expect(problem(`${lines[0]}\n\n${lines[1]}\n`)).toMatchObject({ line: 2, code: "NOT_JSON" });
    expect(problem(`{"seq":1}\n`)).toMatchObject({ line: 1, code: "BAD_ENTRY" });
  });
});
