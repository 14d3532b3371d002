import { sha256Hex } from "./hash.ts";
import { reason, type Reason } from "./reason.ts";

export interface EvidenceLine {
  /** 1-based line number in the file. */
  line: number;
  sha256: string;
  bytes: Buffer;
}

/**
 * Splits a JSONL evidence bundle into its lines, as raw bytes without the newline (a trailing
 * CR is dropped, empty lines are skipped): the same rule the run record pins line digests by.
 */
export function evidenceLines(jsonl: Uint8Array): EvidenceLine[] {
  const data = Buffer.from(jsonl.buffer, jsonl.byteOffset, jsonl.byteLength);
  const lines: EvidenceLine[] = [];
  let start = 0;
  let number = 0;
  for (let i = 0; i <= data.length; i++) {
    if (i !== data.length && data[i] !== 0x0a) continue;
    number += 1;
    let end = i;
    if (end > start && data[end - 1] === 0x0d) end -= 1;
    if (end > start) {
      const bytes = data.subarray(start, end);
      lines.push({ line: number, sha256: sha256Hex(bytes), bytes });
    }
    start = i + 1;
  }
  return lines;
}

/**
 * An in-toto bundle is not authenticated as a whole: lines can be dropped, replayed or injected.
 * The (signed) run record pins every line's digest in file order, and this demands equality.
 */
export function checkEvidenceLines(jsonl: Uint8Array, pinned: readonly string[]): { ok: boolean; reasons: Reason[]; lines: EvidenceLine[] } {
  const lines = evidenceLines(jsonl);
  const reasons: Reason[] = [];
  const count = (list: readonly string[]) => {
    const map = new Map<string, number>();
    for (const digest of list) map.set(digest, (map.get(digest) ?? 0) + 1);
    return map;
  };
  const have = count(lines.map((l) => l.sha256));
  const want = count(pinned);
  for (const [digest, n] of have) {
    const line = lines.find((l) => l.sha256 === digest)?.line;
    if (n > 1) reasons.push(reason("LINE_DUPLICATE", `line ${line} (sha256 ${digest}) appears ${n} times`, `line ${line}`));
    if (!want.has(digest)) reasons.push(reason("LINE_EXTRA", `line ${line} (sha256 ${digest}) is not pinned by the run record`, `line ${line}`));
  }
  for (const [digest, n] of want) {
    if (n > 1) reasons.push(reason("LINE_DUPLICATE", `the run record pins sha256 ${digest} ${n} times`));
    if (!have.has(digest)) reasons.push(reason("LINE_MISSING", `the pinned line sha256 ${digest} is not in the bundle`));
  }
  if (reasons.length === 0 && lines.some((l, i) => l.sha256 !== pinned[i])) {
    reasons.push(reason("LINE_ORDER", "the bundle's lines are not in the order the run record pins"));
  }
  return { ok: reasons.length === 0, reasons, lines };
}
