import { describe, it, expect } from "vitest";
import { generateKeyPairSync, sign, verify } from "node:crypto";
import { readFile, readdir, rm, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GENESIS_HASH, LEDGER_MAX_BYTES, appendLedger, entryHash, ledgerHeadPath, readLedger, verifyLedger, verifyLedgerText, type LedgerAppend, type LedgerEntry, type LedgerKeys } from "./ledger.ts";
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
    expect(verifyLedger(path)).toEqual({ ok: true, value: { entries: 2, headHash: second.hash, anchor: "unsigned" } });
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
    expect((await readdir(join(dir, "reports"))).sort()).toEqual(["ledger.ndjson"]);
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

/** A test signer: ed25519 over the payload, the envelope a small JSON; the verifier trusts one key. */
function testKeys(trusted = generateKeyPairSync("ed25519")): LedgerKeys & { pair: ReturnType<typeof generateKeyPairSync> } {
  return {
    pair: trusted,
    signer: { sign: (payload) => JSON.stringify({ payload: Buffer.from(payload).toString("base64"), sig: sign(null, payload, trusted.privateKey).toString("base64") }) },
    verifier: {
      open: (bytes) => {
        const e = JSON.parse(Buffer.from(bytes).toString("utf8")) as { payload: string; sig: string };
        const payload = Buffer.from(e.payload, "base64");
        return verify(null, payload, trusted.publicKey, Buffer.from(e.sig, "base64")) ? { ok: true, value: payload } : { ok: false, error: "bad signature" };
      },
    },
  };
}

describe("the signed head: re-chaining and a dropped last line become visible with a key", () => {
  async function signedLedger(n: number) {
    const l = await ledgerPath();
    const keys = testKeys();
    for (let i = 1; i <= n; i++) await appendLedger(l.path, entry(i), {}, [], keys);
    const lines = (await readFile(l.path, "utf8")).slice(0, -1).split("\n");
    return { ...l, keys, lines };
  }

  it("keeps no sidecar that could vouch for a prefix: only the ledger and its signed head are written", async () => {
    const { dir, path, keys } = await signedLedger(2);
    expect((await readdir(join(dir, "reports"))).sort()).toEqual(["ledger.ndjson", "ledger.ndjson.head.json"]);
    expect(verifyLedger(path, keys.verifier)).toMatchObject({ ok: true, value: { entries: 2, anchor: "signed" } });
  });

  it("without a key the chain verifies but says it is unanchored", async () => {
    const { path } = await ledgerWith(2);
    expect(verifyLedger(path)).toMatchObject({ ok: true, value: { entries: 2, anchor: "unsigned" } });
  });

  it("detects the last line dropped (invisible to the chain alone)", async () => {
    const { path, lines, keys } = await signedLedger(3);
    await writeFile(path, `${lines.slice(0, 2).join("\n")}\n`);
    expect(verifyLedger(path).ok).toBe(true);
    expect(verifyLedger(path, keys.verifier)).toMatchObject({ ok: false, error: { code: "HEAD_MISMATCH" } });
    await expect(appendLedger(path, entry(4), {}, [], keys)).rejects.toMatchObject({ code: "LEDGER_INVALID" });
  });

  it("detects an edit re-chained from the edit onwards (every hash recomputed)", async () => {
    const { path, lines, keys } = await signedLedger(3);
    let prev = GENESIS_HASH;
    const rechained = lines.map((raw, i) => {
      const e = JSON.parse(raw) as LedgerEntry;
      const body = { ...e, prevHash: prev, recordSha256: i === 1 ? sha256Hex("forged record") : e.recordSha256 };
      const { hash: _drop, ...rest } = body;
      const hash = entryHash(rest);
      prev = hash;
      return canonicalJson({ ...rest, hash });
    });
    await writeFile(path, `${rechained.join("\n")}\n`);
    expect(verifyLedger(path).ok).toBe(true);
    expect(verifyLedger(path, keys.verifier)).toMatchObject({ ok: false, error: { code: "HEAD_MISMATCH" } });
  });

  it("detects a forged append, a removed head and a head signed by another key", async () => {
    const { path, keys } = await signedLedger(2);
    await appendLedger(path, entry(3));
    expect(verifyLedger(path, keys.verifier)).toMatchObject({ ok: false, error: { code: "HEAD_MISMATCH" } });
    const other = await signedLedger(1);
    await rm(ledgerHeadPath(other.path));
    expect(verifyLedger(other.path, other.keys.verifier)).toMatchObject({ ok: false, error: { code: "HEAD_MISSING" } });
    const third = await signedLedger(1);
    const stranger = testKeys();
    await writeFile(ledgerHeadPath(third.path), stranger.signer?.sign(Buffer.from("{}")) ?? "");
    expect(verifyLedger(third.path, third.keys.verifier)).toMatchObject({ ok: false, error: { code: "HEAD_SIGNATURE" } });
  });

  it("a FIFO or an oversized ledger is refused without hanging", async () => {
    const { dir } = await ledgerPath();
    const big = join(dir, "big.ndjson");
    await writeFile(big, "");
    await truncate(big, LEDGER_MAX_BYTES + 1);
    expect(verifyLedger(big)).toMatchObject({ ok: false, error: { code: "LEDGER_UNREADABLE" } });
    expect(verifyLedger("/dev/zero")).toMatchObject({ ok: false, error: { code: "LEDGER_UNREADABLE" } });
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
