import { describe, expect, it } from "vitest";
import { DigestSet } from "./digest-set.ts";
import { mulberry32 } from "./generate.ts";
import { keyDigest } from "./keys.ts";

/** A batch of `n` records with `stride` digest slots each, as key-checks.ts hands them over. */
function batchOf(keys: (number | null)[][], stride: number): { digests: Uint32Array; present: Uint8Array; n: number } {
  const n = keys.length;
  const digests = new Uint32Array(n * stride * 2 + 6);
  const present = new Uint8Array(n * stride + 3);
  keys.forEach((row, k) =>
    row.forEach((key, j) => {
      if (key === null) return;
      const d = key === -1 ? { hi: 0, lo: 0 } : keyDigest(key);
      present[k * stride + j] = 1;
      digests[(k * stride + j) * 2] = d.hi;
      digests[(k * stride + j) * 2 + 1] = d.lo;
    }),
  );
  return { digests, present, n };
}

describe("DigestSet", () => {
  it("[#22] remembers every key it was given and nothing else, through many growths", () => {
    const set = new DigestSet();
    for (let i = 0; i < 50_000; i += 1) expect(set.add(keyDigest(i))).toBe(true);
    expect(set.size).toBe(50_000);
    for (let i = 0; i < 50_000; i += 1) expect(set.has(keyDigest(i))).toBe(true);
    for (let i = 50_000; i < 60_000; i += 1) expect(set.has(keyDigest(i))).toBe(false);
  });

  it("a second add of the same key is a duplicate; 1 and \"1\" are different keys", () => {
    const set = new DigestSet();
    expect(set.add(keyDigest("1"))).toBe(true);
    expect(set.add(keyDigest("1"))).toBe(false);
    expect(set.add(keyDigest(1))).toBe(true);
  });

  it("stores the all-zero digest, which is also the empty-slot marker", () => {
    const set = new DigestSet();
    expect(set.has({ hi: 0, lo: 0 })).toBe(false);
    expect(set.add({ hi: 0, lo: 0 })).toBe(true);
    expect(set.has({ hi: 0, lo: 0 })).toBe(true);
    expect(set.size).toBe(1);
  });

  it("adds a batch column in order: duplicates (of earlier batches and within the batch) reported by record, growing mid-batch as needed", () => {
    const rand = mulberry32(5);
    const set = new DigestSet(100); // grows many times below
    const reference = new Set<number>();
    for (let b = 0; b < 40; b += 1) {
      // Column 1 of 2; -1 is the all-zero digest, null an absent value.
      const rows = Array.from({ length: 1 + Math.floor(rand() * 700) }, () => [Math.floor(rand() * 1e6), rand() < 0.1 ? null : rand() < 0.01 ? -1 : Math.floor(rand() * 20_000)]);
      const { digests, present, n } = batchOf(rows, 2);
      const dups: number[] = [];
      const added = set.addColumn(digests, present, 2, 1, n, (k) => dups.push(k));
      const expected: number[] = [];
      let expectedAdded = 0;
      rows.forEach(([, key], k) => {
        if (key === null || key === undefined) return;
        if (reference.has(key)) expected.push(k);
        else {
          reference.add(key);
          expectedAdded += 1;
        }
      });
      expect(dups).toEqual(expected);
      expect(added).toBe(expectedAdded);
      expect(set.size).toBe(reference.size);
    }
    for (let key = 0; key < 20_000; key += 1) expect(set.has(keyDigest(key))).toBe(reference.has(key));
    expect(set.has({ hi: 0, lo: 0 })).toBe(reference.has(-1));
  });

  it("finds the records of a batch column whose digest is not in the set, in order; absent values are not looked up", () => {
    const set = new DigestSet(2_000_000 / 11); // a table past the cache size: the touching pass runs
    for (let key = 0; key < 5_000; key += 2) set.add(keyDigest(key));
    const rows = Array.from({ length: 3_000 }, (_, k) => [k % 7 === 0 ? null : k, 1]);
    const { digests, present, n } = batchOf(rows, 2);
    const missing: number[] = [];
    set.missingColumn(digests, present, 2, 0, n, (k) => missing.push(k));
    expect(missing).toEqual(rows.flatMap(([key], k) => (key !== null && key !== undefined && key % 2 === 1 ? [k] : [])));
  });
});
